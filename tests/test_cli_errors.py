"""Bad input on the command line: one line on stderr, one exit code per class, nothing left.

Issue 11, class 9: errors went to stdout; a bad value exited 2 but a bad type or an
unknown key 1; a bad `resume=PATH` printed a 95-line traceback; a read-only output
folder gave a traceback; a failed `run_sweep` left an empty folder. The commands run
together (each costs seconds of imports) in one module fixture.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

USAGE, STORAGE = 2, 4
TINY = ["scenario=small", "replications=1", "progress=false"]


@contextlib.contextmanager
def unwritable(path: Path, size: str | None = None):
    """A folder nobody may write in (or, with `size`, a tiny one that fills up).

    As root a permission bit stops nothing: mount a tmpfs (read-only, or `size` small);
    as another user, take the write bit away.
    """
    path.mkdir()
    if os.geteuid() != 0:
        if size is not None:
            pytest.fail("a full disk needs a tmpfs mount: run as root (as CI does)")
        path.chmod(0o555)
        yield path
        path.chmod(0o755)
        return
    options = f"size={size}" if size else "ro,size=64k"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


CASES = {
    "bad value": (["cost.meeting_usd=-5"], USAGE, "cost.meeting_usd = -5.0 is not allowed"),
    "bad type": (["cost.meeting_usd=abc"], USAGE, "Value 'abc' of type 'str' could not be"),
    "unknown key": (["cost.meeting_usdd=1"], USAGE, "Key 'meeting_usdd' not in 'CostConfig'"),
    "unknown option": (["process=nope"], USAGE, "Could not find 'process/nope'"),
    "bad syntax": (["cost.meeting_usd=[1"], USAGE, "no viable alternative at input '[1'"),
    "missing table": (
        ["scenario.delegations.table=/no/such.csv"],
        USAGE,
        "scenario.delegations.table: file '/no/such.csv' does not exist",
    ),
    "bad value in a sweep": (["-m", "cost.meeting_usdd=1,2"], USAGE, "meeting_usdd"),
    "appended unknown key": (["+replicates=5"], USAGE, "replicates: not a configuration key"),
    "table is a folder": (["scenario.delegations.table=/tmp/"], USAGE, "'/tmp/' is not a file"),
    "resume=PATH missing": (
        ["-m", "process=open_plenary,two_tier", "resume=/no/such/sweep"],
        USAGE,
        "resume=/no/such/sweep: no such folder",
    ),
    "resume=PATH not a sweep": (
        ["-m", "process=open_plenary,two_tier", "resume=."],
        USAGE,
        "resume=.: not a sweep folder",
    ),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, start_cli) -> dict[str, tuple[Path, subprocess.Popen, str, str]]:
    running = {}
    for name, (args, _, _) in CASES.items():
        cwd = tmp_path_factory.mktemp(name.replace(" ", "_").replace("=", ""))
        running[name] = (cwd, start_cli(cwd, *args, *TINY))  # Hydra takes -m first
    done = {}
    for name, (cwd, proc) in running.items():
        out, err = proc.communicate(timeout=300)
        done[name] = (cwd, proc, out, err)
    return done


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_one_line_on_stderr_with_its_class_exit_code(outcomes, case) -> None:
    cwd, proc, out, err = outcomes[case]
    _, code, expected = CASES[case]
    assert proc.returncode == code, err[-3000:]
    assert out == ""  # stdout carries only a results folder, and there is none
    errors = [line for line in err.splitlines() if not line.startswith("[")]  # not log lines
    assert len(errors) == 1 and errors[0].startswith("sim: error: "), err[-3000:]
    assert expected in errors[0] and "Traceback" not in err
    assert not (cwd / "results").exists() or not any((cwd / "results").rglob("*.*"))
    leftovers = [p for p in (cwd / "results").rglob("*")] if (cwd / "results").exists() else []
    assert all(p.is_dir() and p.name in ("runs", "sweeps") for p in leftovers), leftovers


@pytest.mark.parametrize("mode", ["run", "sweep"])
def test_read_only_output_folder_is_one_line_exit_4(tmp_path, run_cli, mode) -> None:
    with unwritable(tmp_path / "ro") as folder:
        target = folder / "results"
        if mode == "run":
            done = run_cli(tmp_path, *TINY, f"hydra.run.dir={target}")
        else:
            done = run_cli(tmp_path, "-m", *TINY, "seed=1,2", f"hydra.sweep.dir={target}")
        assert done.returncode == STORAGE, done.stderr[-3000:]
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr[-3000:]
        assert lines[0].startswith(f"sim: error: cannot write the results: {target}")


def test_full_disk_during_a_run_is_one_line_exit_4(tmp_path, run_cli) -> None:
    with unwritable(tmp_path / "full", size="48k") as folder:
        done = run_cli(tmp_path, *TINY, "replications=3", f"hydra.run.dir={folder / 'run'}")
        assert done.returncode == STORAGE, done.stderr[-3000:]
        assert "No space left on device" in done.stderr.strip().splitlines()[-1]
        assert not (folder / "run" / "manifest.json").exists()  # never passed off as complete
        assert not list((folder / "run").glob(".*.tmp"))  # no half-written file left


def test_run_sweep_that_cannot_start_raises_and_leaves_no_folder(tmp_path) -> None:
    from sim.api import SweepError, run_sweep

    with pytest.raises(SweepError, match="meeting_usdd") as info:
        run_sweep(["scenario=small", "cost.meeting_usdd=1,2"], results_root=tmp_path)
    assert info.value.exit_code == USAGE and info.value.folder is None
    assert list((tmp_path / "sweeps").iterdir()) == []


@pytest.mark.parametrize("module", ["sim.report", "sim.compare", "sim.report.headline"])
def test_report_and_compare_usage_errors_are_one_line(tmp_path, run_cli, module) -> None:
    extra = ["--by", "process"] if module == "sim.compare" else []
    done = run_cli(tmp_path, str(tmp_path / "absent"), *extra, module=module)
    assert done.returncode == USAGE
    assert done.stderr.strip().splitlines() == [
        f"sim: error: results folder {tmp_path / 'absent'} does not exist"
    ]
