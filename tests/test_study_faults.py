"""Faults of the study commands (issue 21): calibrate, sensitivity, robustness, out_of_sample.

Each test drives `python -m sim.<command>` in a subprocess on the small scenario, with
faults placed by ``SIM_FAULT`` (sim/store/faults.py: the batch runner writes its pieces
through the store, so the same points apply) or made by hand (a truncated piece, an
edited table, a read-only or full disk, Ctrl-C, kill -9), and checks the exit status,
the one line on stderr, and that nothing already written was lost, changed or mixed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.processes import alive, wait_for, workers_of
from tests.studies import CALIBRATION, ROBUSTNESS, SENSITIVITY, run, runs, snapshot, start

pytestmark = pytest.mark.slow

STUDY_SETTINGS = {  # the smallest settings each command takes, for the folder tests
    "sim.calibrate": CALIBRATION,
}


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr[-3000:]
    errors = [line for line in lines if line.startswith("sim: ")]
    assert len(errors) == 1, stderr[-3000:]
    return errors[0]


@pytest.fixture(scope="module")
def truth(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Each command's rows, uninterrupted."""
    cwd = tmp_path_factory.mktemp("truth")
    found = {}
    for module, args in (("sim.robustness", ROBUSTNESS), ("sim.sensitivity", SENSITIVITY)):
        done = run(cwd, module, *args, f"out={cwd / module}")
        assert done.returncode == 0, done.stderr[-3000:]
        found[module] = runs(cwd / module)
    return found


# ------------------------------------------------------------- kills and resumes


@pytest.mark.parametrize(
    ("module", "args", "fault", "chunk"),
    [
        ("sim.robustness", ROBUSTNESS, "job-done@1", "chunk=10"),  # issue 21: a world dropped
        ("sim.robustness", ROBUSTNESS, "write@2", "chunk=3"),  # half a file
        ("sim.sensitivity", SENSITIVITY, "job-tables@2", "chunk=4"),  # issue 21: duplicated
        ("sim.sensitivity", SENSITIVITY, "renamed@3", "chunk=1"),
        # the first write is the study's manifest: killed there, only its temporary and
        # the lock are left, and the same command must resume (it was refused as
        # "holds other files")
        ("sim.sensitivity", SENSITIVITY, "write@1", "chunk=2"),
        ("sim.robustness", ROBUSTNESS, "write@1", "chunk=5"),
    ],
)
def test_killed_then_resumed_with_other_chunking_gives_every_row_once(
    tmp_path, truth, module, args, fault, chunk
) -> None:
    out = tmp_path / "study"
    killed = run(tmp_path, module, *args, f"out={out}", env={"SIM_FAULT": f"{fault}:kill"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    resumed = run(tmp_path, module, *args, chunk, f"out={out}")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    pd.testing.assert_frame_equal(runs(out), truth[module])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["rows"]["runs"] == len(truth[module])
    assert not list(out.rglob(".*.tmp")) and not (out / ".lock").exists()


def test_a_custom_table_edited_before_a_resume_is_refused(tmp_path) -> None:
    from sim.config.members import load_member_table

    members = load_member_table("un_member_states").head(40)
    table = tmp_path / "members.csv"
    members[["name", "iso3", "un_region", "income_group", "ldc"]].to_csv(table, index=False)
    base = f'base=["scenario.delegations.include=[]","scenario.delegations.table={table}"]'
    out = tmp_path / "cal"
    args = [*CALIBRATION, base, f"out={out}"]
    killed = run(tmp_path, "sim.calibrate", *args, env={"SIM_FAULT": "job-done@1:kill"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    original = table.read_bytes()
    table.write_bytes(original.replace(b",LIC,", b",LMIC,", 1))
    before = snapshot(out)
    refused = run(tmp_path, "sim.calibrate", *args)
    assert refused.returncode == 3, refused.stderr[-3000:]
    line = one_error_line(refused.stderr)
    assert f"holds a calibration of other inputs ({table} has changed since it was read" in line
    assert snapshot(out) == before  # nothing written, nothing mixed
    table.write_bytes(original)
    done = run(tmp_path, "sim.calibrate", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((out / "wave_1" / "manifest.json").read_text())["inputs"][str(table)]


def test_damaged_and_swapped_pieces_are_moved_aside_and_run_again(tmp_path, truth) -> None:
    out, other = tmp_path / "study", tmp_path / "other"
    done = run(tmp_path, "sim.robustness", *ROBUSTNESS, f"out={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    done = run(tmp_path, "sim.robustness", *ROBUSTNESS, "seed=9", f"out={other}")
    assert done.returncode == 0, done.stderr[-3000:]
    damaged = out / "pieces" / "00000000" / "runs.parquet"
    damaged.write_bytes(damaged.read_bytes()[:300])  # a truncated copy
    shutil.rmtree(out / "pieces" / "00000005")
    shutil.copytree(other / "pieces" / "00000005", out / "pieces" / "00000005")  # swapped
    resumed = run(tmp_path, "sim.robustness", *ROBUSTNESS, f"out={out}")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "piece 00000000 is damaged" in resumed.stderr
    assert "piece 00000005 is damaged (made by another batch" in resumed.stderr
    assert len(list((out / ".quarantine").iterdir())) == 2  # kept as evidence
    pd.testing.assert_frame_equal(runs(out), truth["sim.robustness"])


# ------------------------------------------------------------- folders that are not ours


@pytest.mark.parametrize("module", ["sim.out_of_sample", "sim.robustness", "sim.calibrate"])
def test_a_finished_run_or_sweep_is_never_written_into(tmp_path, run_cli, module) -> None:
    single = run_cli(tmp_path, "scenario=small", "replications=1", "progress=false")
    sweep = run_cli(tmp_path, "-m", "scenario=small", "replications=1", "seed=1,2")
    assert single.returncode == 0 and sweep.returncode == 0
    for folder in (Path(single.stdout.strip()), Path(sweep.stdout.strip().splitlines()[-1])):
        before = snapshot(folder)
        args = [*STUDY_SETTINGS.get(module, ["replications=1", "workers=1"]), f"out={folder}"]
        done = run(tmp_path, module, *args)
        assert done.returncode == 3, done.stderr[-3000:]
        assert "choose a new or empty folder" in one_error_line(done.stderr)
        assert snapshot(folder) == before


# ------------------------------------------------------------- disks


def _mount(path: Path, options: str) -> None:
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts a tmpfs (CI runs as root)")
@pytest.mark.parametrize("module", ["sim.robustness", "sim.sensitivity", "sim.out_of_sample"])
def test_read_only_and_full_disks_are_one_line_exit_4(tmp_path, module) -> None:
    args = {"sim.robustness": ROBUSTNESS, "sim.sensitivity": SENSITIVITY}.get(
        module, ["replications=1", "workers=1"]
    )
    ro, full = tmp_path / "ro", tmp_path / "full"
    _mount(ro, "ro,size=64k")
    _mount(full, "size=40k")
    try:
        done = run(tmp_path, module, *args, f"out={ro / 'out'}")
        assert done.returncode == 4, done.stderr[-3000:]
        assert one_error_line(done.stderr).startswith("sim: error: cannot write the results")
        done = run(tmp_path, module, *args, f"out={full / 'out'}")
        assert done.returncode == 4, done.stderr[-3000:]
        assert "No space left on device" in one_error_line(done.stderr)
        manifest = json.loads((full / "out" / "manifest.json").read_text())
        assert manifest["status"] != "completed"
    finally:
        for path in (ro, full):
            subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_file_size_limit_is_exit_4(tmp_path) -> None:
    """`ulimit -f`: Python gets EFBIG (it ignores SIGXFSZ); a storage error, not a bug."""
    out = f"out={tmp_path / 'out'}"
    done = run(tmp_path, "sim.robustness", *ROBUSTNESS, out, prefix="ulimit -f 16")
    assert done.returncode == 4, done.stderr[-3000:]
    assert "File too large" in one_error_line(done.stderr)


# ------------------------------------------------------------- interrupts and dead parents


@pytest.mark.parametrize(
    ("how", "code"), [("ctrl-c", 130), ("sigterm", 130), ("kill -9", -signal.SIGKILL)]
)
def test_interrupts_and_kills_leave_no_worker_and_resume(tmp_path, truth, how, code) -> None:
    out = tmp_path / "study"
    args = [*ROBUSTNESS, "workers=2", f"out={out}"]
    # the first piece written, the command pauses (30 s) with two live workers; that
    # piece need not be jobs 0-4 (a slow job 4 lets jobs 5-9 finish first), so any piece
    proc = start(tmp_path, "sim.robustness", *args, env={"SIM_FAULT": "job-done@1:sleep"})
    wait_for(lambda: any(out.glob("pieces/*/manifest.json")), proc=proc)
    workers = workers_of(proc, "spawn_main", 2)
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # the terminal signals the whole group
    else:
        proc.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
    _, err = proc.communicate(timeout=60)  # returns: no orphan holds its output open
    assert proc.returncode == code, err[-3000:]
    if how != "kill -9":
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
        assert err.strip().splitlines()[-1].startswith("sim: interrupted; re-run")
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["status"] == "interrupted"
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=10)
    resumed = run(tmp_path, "sim.robustness", *args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    pd.testing.assert_frame_equal(runs(out), truth["sim.robustness"])


def test_a_killed_worker_is_one_line_exit_1_and_a_resume_repairs_it(tmp_path, truth) -> None:
    out = tmp_path / "study"
    args = [*ROBUSTNESS, "workers=2", "chunk=1", f"out={out}"]
    # the command pauses 4 s after its second piece; a worker is killed meanwhile
    fault = {"SIM_FAULT": "job-done@2:sleep", "SIM_FAULT_SECONDS": "4"}
    proc = start(tmp_path, "sim.robustness", *args, env=fault)
    wait_for(lambda: len(list(out.glob("pieces/*/manifest.json"))) >= 2, proc=proc)
    os.kill(min(workers_of(proc, "spawn_main", 2)), signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err[-3000:]
    assert "a worker process died" in one_error_line(err)
    resumed = run(tmp_path, "sim.robustness", *args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    pd.testing.assert_frame_equal(runs(out), truth["sim.robustness"])


# ------------------------------------------------------------- what the commands compute


def test_rush_cost_asked_in_base_is_measured(tmp_path) -> None:
    out = tmp_path / "sens"
    args = [a for a in SENSITIVITY if not a.startswith(("base=", "outcomes="))]
    base = 'base=["scenario=small","measures.rush_cost=true"]'
    done = run(tmp_path, "sim.sensitivity", *args, base, "outcomes=[adopted_by_code]", f"out={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert runs(out)["rush_cost"].notna().any()  # issue 21: null in every run
    asked = run(tmp_path, "sim.sensitivity", *SENSITIVITY, "outcomes=[rush_cost]",
                f"out={tmp_path / 'asked'}")  # fmt: skip
    assert asked.returncode == 0, asked.stderr[-3000:]
    assert runs(tmp_path / "asked")["rush_cost"].notna().any()


def test_the_ray_engine_gives_the_local_rows(tmp_path, truth) -> None:
    out = tmp_path / "ray"
    done = run(tmp_path, "sim.robustness", *ROBUSTNESS, "engine=ray", "workers=2", f"out={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    pd.testing.assert_frame_equal(runs(out), truth["sim.robustness"])
    assert json.loads((out / "manifest.json").read_text())["engine"] == "ray"
