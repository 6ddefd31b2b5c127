"""Fault injection, end to end: each class of issue 11 through the command line.

Every test runs `python -m sim` in a subprocess on the small scenario, with faults
placed by ``SIM_FAULT`` (sim/store/faults.py) or made by hand (a truncated file, a
lock held, a table edited), and checks the exit status, the one-line error on stderr
and that nothing already written was lost, changed or mixed.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.store import FolderLock
from tests.processes import alive, wait_for, workers_of
from tests.shared import TINY

# end-to-end faults: each test runs sweeps through the command line or the API
pytestmark = pytest.mark.slow

TWO = [*TINY, "process=open_plenary,two_tier"]


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def rows(folder: Path, table: str = "runs") -> pd.DataFrame:
    frame = pd.read_parquet(folder / f"{table}.parquet")
    order = ["config_id", "seed", "replication"] + (["meeting"] if table == "meetings" else [])
    return frame.sort_values(order).reset_index(drop=True)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: its bytes and modification time.

    A stale lock's record is compared by content only: a refused resume puts it back.
    """
    return {
        str(p.relative_to(folder)): (
            p.read_bytes(),
            0 if p.name == ".lock" else p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, run_cli) -> Path:
    """An uninterrupted two-job sweep: the rows every repaired sweep must equal."""
    cwd = tmp_path_factory.mktemp("baseline")
    done = run_cli(cwd, "-m", *TWO)
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(done.stdout.strip())


# ------------------------------------------------- 1. aggregation failures, damaged jobs


def test_full_disk_during_aggregation_exits_non_zero_then_resume_repairs(
    tmp_path, run_cli, baseline
) -> None:
    folder = tmp_path / "sweep"
    args = ["-m", *TWO, f"hydra.sweep.dir={folder}"]
    done = run_cli(tmp_path, *args, env={"SIM_FAULT": "aggregate:enospc"})
    assert done.returncode == 4, done.stderr[-3000:]  # STORAGE
    assert "aggregation failed: cannot write the results: No space left on device" in done.stderr
    m = manifest(folder)
    assert m["status"] == "failed" and m["aggregates"] == {}
    assert not (folder / "runs.parquet").exists()  # no stale or partial aggregate
    assert m["totals"]["completed"] == 2  # the jobs themselves are fine
    resumed = run_cli(tmp_path, *args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stderr.count("already complete: ") == 2
    pd.testing.assert_frame_equal(rows(folder), rows(baseline))


def test_truncated_job_file_is_found_moved_aside_and_rerun(tmp_path, run_cli, baseline) -> None:
    import shutil

    folder = tmp_path / "sweep"
    shutil.copytree(baseline, folder)
    manifest_before = manifest(folder)
    damaged = folder / manifest_before["jobs"][0]["key"] / "runs.parquet"
    damaged.write_bytes(damaged.read_bytes()[:500])  # a truncated copy
    args = ["-m", *TWO, f"hydra.sweep.dir={folder}", "resume=true"]
    done = run_cli(tmp_path, *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"is damaged ({damaged}: " in done.stderr and "running it again" in done.stderr
    (kept,) = (folder / ".quarantine").iterdir()
    assert (kept / "runs.parquet").stat().st_size == 500  # kept as evidence, not deleted
    pd.testing.assert_frame_equal(rows(folder), rows(baseline))
    assert manifest(folder)["status"] == "completed"


def test_run_sweep_raises_instead_of_returning_a_failed_sweep(tmp_path, monkeypatch) -> None:
    from sim.api import SweepError, run_sweep

    monkeypatch.setenv("SIM_FAULT", "aggregate:enospc")
    with pytest.raises(SweepError, match="aggregation failed") as info:
        run_sweep(TWO, results_root=tmp_path)
    assert info.value.exit_code == 4 and info.value.folder is not None
    monkeypatch.delenv("SIM_FAULT")
    folder = run_sweep(TWO, sweep_dir=info.value.folder, resume=True)
    assert manifest(folder)["status"] == "completed"


# ------------------------------------------------- 2. two runs at the same second


def test_two_runs_started_at_the_same_second_get_two_folders(tmp_path, start_cli) -> None:
    same = "hydra.run.dir=${sim_new_dir:results/runs/2025-01-01_00-00-00}"  # one timestamp
    procs = [start_cli(tmp_path, *TINY, same, f"seed={seed}") for seed in (1, 2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    folders = sorted(Path(out.strip()) for out, _ in outs)
    assert [f.name for f in folders] == ["2025-01-01_00-00-00", "2025-01-01_00-00-00-2"]
    seeds = sorted(int(pd.read_parquet(f / "runs.parquet")["seed"].iloc[0]) for f in folders)
    assert seeds == [1, 2]  # each run's tables, in its own folder


# ------------------------------------------------- 3. one sweep per folder: the lock


@pytest.mark.slow  # over 10 s on the shared 2-core machine
def test_a_folder_being_written_refuses_another_sweep_and_a_killed_one_is_resumed(
    tmp_path, start_cli, run_cli, baseline
) -> None:
    folder = tmp_path / "sweep"
    args = ["-m", *TWO, f"hydra.sweep.dir={folder}"]
    first = start_cli(tmp_path, *args, env={"SIM_FAULT": "sweep-start:sleep"})  # holds it
    wait_for(lambda: (folder / "manifest.json").exists(), proc=first)
    try:
        other = run_cli(tmp_path, "-m", *TINY, "funding=none,hybrid", f"hydra.sweep.dir={folder}")
        assert other.returncode == 3
        assert f"is being written by a sweep (pid {first.pid} on " in other.stderr
        again = run_cli(tmp_path, *args, "resume=true")  # not even a resume may join it
        assert again.returncode == 3 and f"pid {first.pid}" in again.stderr
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.communicate()
    stale = run_cli(tmp_path, *args)
    assert stale.returncode == 3
    assert "killed before it finished: add resume=true" in stale.stderr
    resumed = run_cli(tmp_path, *args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "taking over from a sweep that was killed" in resumed.stderr
    pd.testing.assert_frame_equal(rows(folder), rows(baseline))
    assert not (folder / ".lock").exists()


@pytest.mark.slow
def test_sweeps_started_together_into_one_folder_never_both_run(tmp_path, start_cli) -> None:
    for attempt in range(3):
        folder = tmp_path / f"sweep{attempt}"
        a = start_cli(tmp_path, "-m", *TWO, f"hydra.sweep.dir={folder}")
        b = start_cli(tmp_path, "-m", *TINY, "funding=none,hybrid", f"hydra.sweep.dir={folder}")
        (_, a_err), (_, b_err) = a.communicate(timeout=300), b.communicate(timeout=300)
        codes = sorted([a.returncode, b.returncode])
        assert codes == [0, 3], (a_err[-1500:], b_err[-1500:])
        m = manifest(folder)
        assert m["status"] == "completed" and m["totals"]["completed"] == 2
        winner = a if a.returncode == 0 else b
        expected = {"process": {"open_plenary", "two_tier"}, "funding": {"none", "hybrid"}}
        column = "process" if winner is a else "funding"
        assert set(pd.read_parquet(folder / "runs.parquet")[column]) == expected[column]
        assert len(pd.read_parquet(folder / "runs.parquet")) == 4  # every row it reported


# ------------------------------------------------- 4. workers die with the sweep


@pytest.mark.slow  # joblib's workers take seconds to start
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_killing_a_joblib_sweep_kills_its_workers_before_they_write(
    tmp_path, start_cli, run_cli, baseline
) -> None:
    folder = tmp_path / "sweep"
    args = ["-m", *TWO, f"hydra.sweep.dir={folder}", "hydra/launcher=joblib"]
    args.append("hydra.launcher.n_jobs=3")  # two busy workers and an idle one
    # each worker writes its tables, then pauses before its manifest (30 s)
    sweep = start_cli(tmp_path, *args, env={"SIM_FAULT": "job-tables:sleep"})
    try:
        wait_for(lambda: len(list(folder.glob("*/runs.parquet"))) == 2, proc=sweep)
        workers = workers_of(sweep, "LokyProcess", 3)
    finally:
        os.kill(sweep.pid, signal.SIGKILL)  # the sweep's process only, as `kill -9 PID`
        sweep.communicate(timeout=30)  # returns: no orphan holds its stdout or stderr
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=10)
    time.sleep(1.0)
    assert not list(folder.glob("*/manifest.json"))  # no job was written after the kill
    resumed = run_cli(tmp_path, *args[:-2], "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    pd.testing.assert_frame_equal(rows(folder), rows(baseline))


def test_resume_never_writes_into_a_job_another_process_is_writing(
    tmp_path, run_cli, baseline
) -> None:
    import shutil

    folder = tmp_path / "sweep"
    shutil.copytree(baseline, folder)
    job = folder / manifest(folder)["jobs"][1]["key"]
    (job / "manifest.json").unlink()  # the job is unfinished...
    args = ["-m", *TWO, f"hydra.sweep.dir={folder}", "resume=true"]
    with FolderLock.acquire(job, kind="sweep job"):  # ...and a live worker still holds it
        done = run_cli(tmp_path, *args)
        assert done.returncode == 1, done.stderr[-3000:]
        assert f"still being written by a sweep job (pid {os.getpid()}" in done.stderr
        assert not (job / "manifest.json").exists()
    done = run_cli(tmp_path, *args)
    assert done.returncode == 0, done.stderr[-3000:]
    pd.testing.assert_frame_equal(rows(folder), rows(baseline))


# ------------------------------------------------- 5. input data changed before a resume


@pytest.mark.slow  # over 10 s on the shared 2-core machine
def test_resume_with_an_edited_custom_table_is_refused(tmp_path, run_cli) -> None:
    from sim.config.members import load_member_table

    members = load_member_table("un_member_states").head(40)
    table = tmp_path / "members.csv"
    members[["name", "iso3", "un_region", "income_group", "ldc"]].to_csv(table, index=False)
    folder = tmp_path / "sweep"
    args = ["-m", *TWO, "scenario.delegations.include=[]", f"scenario.delegations.table={table}"]
    args.append(f"hydra.sweep.dir={folder}")
    killed = run_cli(tmp_path, *args, env={"SIM_FAULT": "job-done:kill"})  # after one job
    assert killed.returncode == -signal.SIGKILL
    (done_job,) = [p.parent for p in folder.glob("*/manifest.json")]
    recorded = manifest(done_job)["inputs"]["scenario.delegations.table"]
    assert recorded["path"] == str(table) and len(recorded["sha256"]) == 64
    original = table.read_bytes()
    table.write_bytes(original.replace(b",LIC,", b",LMIC,", 1))  # edit the data
    before = snapshot(folder)
    refused = run_cli(tmp_path, *args, "resume=true")
    assert refused.returncode == 3
    assert f"resume refused: scenario.delegations.table: {table} has changed since job" in (
        refused.stderr
    )
    assert snapshot(folder) == before  # nothing written, nothing mixed
    table.write_bytes(original)
    finished = run_cli(tmp_path, *args, "resume=true")
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert manifest(folder)["inputs"] == {str(table): recorded["sha256"]}


# ------------------------------------------------- 7. nothing of a finished run changes


def test_a_refused_rerun_leaves_a_finished_run_untouched(tmp_path, run_cli) -> None:
    done = run_cli(tmp_path, *TINY)
    assert done.returncode == 0, done.stderr[-3000:]
    run_dir = Path(done.stdout.strip())
    before = snapshot(run_dir)
    assert ".hydra/overrides.yaml" in before and "__main__.log" in before
    again = run_cli(tmp_path, *TINY, "seed=9", f"hydra.run.dir={run_dir}")
    assert again.returncode == 3
    assert again.stderr.strip() == (
        f"sim: error: {run_dir} already holds a completed run; choose another folder "
        "(hydra.run.dir=...)"
    )
    assert snapshot(run_dir) == before


def test_resume_and_refusal_leave_finished_jobs_untouched(tmp_path, run_cli, baseline) -> None:
    import shutil

    folder = tmp_path / "sweep"
    shutil.copytree(baseline, folder)
    jobs = [folder / j["key"] for j in manifest(folder)["jobs"]]
    before = {job: snapshot(job) for job in jobs}
    whole = snapshot(folder)
    refused = run_cli(tmp_path, "-m", *TWO, f"hydra.sweep.dir={folder}")
    assert refused.returncode == 3
    assert snapshot(folder) == whole  # a refused sweep changes nothing at all
    resumed = run_cli(tmp_path, "-m", *TWO, "seed=0", f"hydra.sweep.dir={folder}", "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    for job in jobs:  # not even Hydra's .hydra/ record or the job's log
        assert snapshot(job) == before[job], job


# ------------------------------------------------- 8. reports on partial sweeps


@pytest.fixture(scope="module")
def partial(tmp_path_factory, run_cli) -> Path:
    cwd = tmp_path_factory.mktemp("partial")
    folder = cwd / "sweep"
    args = ["-m", *TINY, "process=open_plenary,two_tier,friends_of_chair"]
    done = run_cli(cwd, *args, f"hydra.sweep.dir={folder}", env={"SIM_FAULT": "job-done@2:kill"})
    assert done.returncode == -signal.SIGKILL
    return folder


def test_compare_refuses_a_partial_sweep_unless_allowed(partial, run_cli, tmp_path) -> None:
    args = [str(partial), "--by", "process", "--out", str(tmp_path / "cmp")]
    refused = run_cli(tmp_path, *args, module="sim.compare")
    assert refused.returncode == 1
    assert "partial results (interrupted): 2 of 3 jobs complete" in refused.stderr
    assert "--allow-partial" in refused.stderr and not (tmp_path / "cmp").exists()
    allowed = run_cli(tmp_path, *args, "--allow-partial", module="sim.compare")
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    assert "warning: " in allowed.stderr and "2 of 3 jobs" in allowed.stderr
    markdown = (tmp_path / "cmp" / "compare_process.md").read_text()
    assert markdown.startswith("> **Warning.** Partial results: this sweep is interrupted")
    assert "% WARNING. Partial results" in (tmp_path / "cmp" / "compare_process.tex").read_text()


def test_report_refuses_a_partial_sweep_unless_allowed(partial, run_cli, tmp_path) -> None:
    from sim.report.build import make_report

    refused = run_cli(tmp_path, str(partial), "--out", str(tmp_path / "r"), module="sim.report")
    assert refused.returncode == 1 and "--allow-partial" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    page = make_report(partial, tmp_path / "r", formats=(), allow_partial=True)
    text = page.read_text(encoding="utf-8")
    banner = text.index('<p class="warning" id="partial">Partial results: this sweep is')
    assert banner < text.index('<p class="meta">')  # at the top, under the title
    assert "only 2 of its 3" in text
