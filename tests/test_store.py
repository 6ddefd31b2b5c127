"""The results store, in-process: permissions, locks, damage checks, verdicts, structure.

The same faults run end to end, through the command line, in test_faults.py.
"""

from __future__ import annotations

import errno
import fcntl
import json
import multiprocessing
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import INCOMPLETE, OK, STORAGE, USAGE, IncompleteResultsError
from sim.run.job import run_job
from sim.run.sweep import job_key
from sim.store import (
    FolderBusyError,
    FolderLock,
    StaleLockError,
    check_job,
    claim_new_dir,
    completeness,
    exit_code,
    finish_sweep,
    load_checked,
    lock_holder,
    quarantine,
    read_json,
    start_sweep,
    write_bytes,
    write_index,
)
from sim.store import files as store_files
from sim.store import sweeps as store_sweeps
from tests.shared import ROOT

SIM = ROOT / "sim"


# ---------------------------------------------------------------- files


def test_files_follow_the_umask_not_mkstemps_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    store_files._file_mode.cache_clear()
    try:
        path = write_bytes("x", tmp_path / "a.txt")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(old)
        store_files._file_mode.cache_clear()


def test_read_json_tells_damaged_from_missing(tmp_path: Path) -> None:
    assert read_json(tmp_path / "none.json") is None
    (tmp_path / "bad.json").write_text('{"status": "compl')
    assert read_json(tmp_path / "bad.json") is None
    with pytest.raises(ValueError, match=r"bad\.json: not valid JSON"):
        read_json(tmp_path / "bad.json", strict=True)


# ---------------------------------------------------------------- locks


def _hold(folder: str, ready, release) -> None:  # in a child process
    lock = FolderLock.acquire(Path(folder), kind="sweep")
    ready.set()
    release.wait(30)
    lock.release()


@pytest.mark.slow
def test_lock_refuses_a_live_holder_and_names_it(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_hold, args=(str(tmp_path), ready, release))
    child.start()
    try:
        assert ready.wait(30)
        with pytest.raises(FolderBusyError, match=rf"a sweep \(pid {child.pid} on "):
            FolderLock.acquire(tmp_path, kind="sweep", takeover=True)
        assert lock_holder(tmp_path)["pid"] == child.pid
    finally:
        release.set()
        child.join(30)
    assert lock_holder(tmp_path) is None
    assert not (tmp_path / ".lock").exists()  # released: the record is gone


def test_stale_lock_is_reported_and_taken_over_only_when_asked(tmp_path: Path) -> None:
    record = {"kind": "sweep", "pid": 999999, "host": "h", "started": "2025-01-01T00:00:00"}
    (tmp_path / ".lock").write_text(json.dumps(record))  # left by a killed sweep
    assert lock_holder(tmp_path) is None  # nobody holds it
    with pytest.raises(StaleLockError, match=r"pid 999999 on h.*killed before it finished"):
        FolderLock.acquire(tmp_path, kind="sweep")
    lock = FolderLock.acquire(tmp_path, kind="sweep", takeover=True)
    assert lock.taken_over == record
    assert json.loads((tmp_path / ".lock").read_text())["pid"] == os.getpid()
    lock.release()


def test_filesystem_without_locks_falls_back_to_the_record(tmp_path, monkeypatch) -> None:
    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "no locks")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    lock = FolderLock.acquire(tmp_path, kind="sweep")
    with pytest.raises(FolderBusyError):  # our own pid is alive: busy
        FolderLock.acquire(tmp_path, kind="sweep", takeover=True)
    lock.release()
    (tmp_path / ".lock").write_text(json.dumps({"pid": 999999, "host": os.uname().nodename}))
    with pytest.raises(StaleLockError):
        FolderLock.acquire(tmp_path, kind="sweep")


def _claim(root: str, queue) -> None:  # in a child process
    queue.put(str(claim_new_dir(Path(root) / "2025-01-01_00-00-00")))


@pytest.mark.slow  # six processes importing the package
def test_folders_claimed_at_the_same_second_are_distinct(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    children = [ctx.Process(target=_claim, args=(str(tmp_path), queue)) for _ in range(6)]
    for child in children:
        child.start()
    claimed = [queue.get(timeout=60) for _ in children]
    for child in children:
        child.join(30)
    assert len(set(claimed)) == 6


# ---------------------------------------------------------------- jobs and verdicts


@pytest.fixture(scope="module")
def job(tmp_path_factory, small) -> tuple[Path, dict]:
    """A real job folder (two replications of the small scenario) in a sweep folder."""
    sweep = tmp_path_factory.mktemp("sweep")
    cfg = small("replications=2")
    manifest = run_job(cfg, sweep / job_key(cfg), extra={"params": {}})
    return sweep / job_key(cfg), manifest


def _sweep_copy(tmp_path: Path, job: tuple[Path, dict]) -> tuple[Path, Path]:
    import shutil

    folder, _ = job
    sweep = tmp_path / "sweep"
    target = sweep / folder.name
    shutil.copytree(folder, target)
    write_index(sweep, ["process=two_tier"], folder.name)
    meta = {"command": ["pytest"], "name": "t", "overrides": ["process=two_tier"]}
    start_sweep(sweep, [["process=two_tier"]], meta, None)
    return sweep, target


def test_job_manifest_records_each_file_and_the_input_data(job) -> None:
    folder, manifest = job
    assert set(manifest["files"]) == {
        "config.yaml",
        "runs.parquet",
        "meetings.parquet",
        "delegations.parquet",
        "ratification.parquet",
    }
    table = manifest["inputs"]["scenario.delegations.table"]
    assert table["path"].endswith("sim/data/un_member_states.csv") and len(table["sha256"]) == 64
    assert check_job(folder) == ("completed", None)


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_a_damaged_job_is_found_not_aggregated_and_fails_the_sweep(tmp_path, job, damage):
    sweep, folder = _sweep_copy(tmp_path, job)
    path = folder / "runs.parquet"
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    else:
        path.unlink()
    state, why = check_job(folder)
    assert state == "corrupt" and str(path) in why
    manifest = finish_sweep(sweep)
    assert manifest["status"] == "incomplete" and manifest["totals"]["corrupt"] == 1
    assert "is damaged" in manifest["problems"][0] and str(path) in manifest["problems"][0]
    assert exit_code(manifest) == INCOMPLETE
    assert manifest["rows"]["runs"] == 0  # the damaged job's rows are not aggregated
    assert not completeness(sweep).complete
    with pytest.raises(IncompleteResultsError, match="--allow-partial"):
        load_checked(sweep)


def test_quarantine_keeps_a_damaged_job_aside(tmp_path, job) -> None:
    sweep, folder = _sweep_copy(tmp_path, job)
    (folder / "runs.parquet").write_bytes(b"damaged")
    moved = quarantine(folder, sweep)
    assert moved.parent == sweep / ".quarantine" and (moved / "runs.parquet").read_bytes()
    assert folder.is_dir() and not any(folder.iterdir())


def test_full_disk_during_aggregation_fails_the_sweep_and_leaves_no_stale_aggregate(
    tmp_path, job, monkeypatch
) -> None:
    sweep, _ = _sweep_copy(tmp_path, job)
    assert finish_sweep(sweep)["status"] == "completed"
    assert (sweep / "runs.parquet").exists()
    start_sweep(
        sweep, [["process=two_tier"]], {"command": ["pytest"]}, read_json(sweep / "manifest.json")
    )

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_sweeps, "aggregate_table", full)
    manifest = finish_sweep(sweep)
    assert manifest["status"] == "failed"
    assert manifest["problems"] == [
        "aggregation failed: cannot write the results: No space left on device"
    ]
    assert exit_code(manifest) == STORAGE
    assert not (sweep / "runs.parquet").exists() and not (sweep / "meetings.parquet").exists()
    assert not completeness(sweep).complete


def test_jobs_that_read_two_versions_of_a_table_fail_the_sweep(tmp_path, job) -> None:
    sweep, folder = _sweep_copy(tmp_path, job)
    other = sweep / "other-s0-r2"
    import shutil

    shutil.copytree(folder, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["inputs"]["scenario.delegations.table"]["sha256"] = "0" * 64
    write_bytes(json.dumps(manifest), other / "manifest.json")
    write_index(sweep, ["process=open_plenary"], other.name)
    start_sweep(sweep, [["process=two_tier"], ["process=open_plenary"]], {}, None)
    verdict = finish_sweep(sweep)
    assert verdict["status"] == "failed"
    assert "2 different versions of" in verdict["problems"][0]


def test_exit_codes_of_verdicts() -> None:
    assert exit_code({"status": "completed"}) == OK
    assert exit_code({"status": "incomplete"}) == INCOMPLETE
    failed = {"status": "failed", "failures": [{"kind": "configuration"}]}
    assert exit_code(failed) == USAGE


# ---------------------------------------------------------------- structure


def test_one_store_names_and_writes_results_files() -> None:
    """`manifest.json` is named once, and one function renames temporaries into place."""
    named, writers = [], []
    for path in SIM.rglob("*.py"):
        text = path.read_text()
        if '"manifest.json"' in text:
            named.append(path.relative_to(ROOT).as_posix())
        if "os.replace(" in text or "mkstemp(" in text:
            writers.append(path.relative_to(ROOT).as_posix())
    assert named == ["sim/store/layout.py"]
    assert writers == ["sim/store/files.py"]


def test_store_modules_are_small() -> None:
    for path in (SIM / "store").glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path


def test_load_results_of_a_run_folder(job) -> None:
    folder, _ = job
    frame = pd.read_parquet(folder / "runs.parquet")
    assert completeness(folder).complete and len(frame) == 2


# ------------------------------------------------------------ claiming a study's folder
def test_a_study_refuses_another_kinds_folder_and_stray_files(tmp_path: Path) -> None:
    """`refuse_foreign`: the one check the batch studies and the calibration make."""
    from sim.analysis.hm.run import _claim
    from sim.errors import RefusedError
    from sim.store.batches import refuse_foreign

    ours = {"manifest.json", "pieces"}.__contains__
    refuse_foreign(tmp_path / "new", None, "sensitivity", ours)  # nothing there yet
    with pytest.raises(RefusedError, match=r"holds a sweep's results, not a sensitivity's"):
        refuse_foreign(tmp_path, {"kind": "sweep"}, "sensitivity", ours)
    with pytest.raises(RefusedError, match=r"holds a robustness's results, not a calibration's"):
        refuse_foreign(tmp_path, {"kind": "robustness"}, "history matching", ours, "calibration")
    with pytest.raises(RefusedError, match=r"holds an out-of-sample's results, not a claims's"):
        refuse_foreign(tmp_path, {"kind": "out-of-sample"}, "claims", ours)
    with pytest.raises(RefusedError, match=r"holds a claims's results, not an out-of-sample's"):
        refuse_foreign(tmp_path, {"kind": "claims"}, "out-of-sample", ours)
    refuse_foreign(tmp_path, {"kind": "sensitivity"}, "sensitivity", ours)  # its own: resumed

    (tmp_path / "pieces").mkdir()
    (tmp_path / ".manifest.json.123.tmp").write_text("")  # a killed writer's temporary
    refuse_foreign(tmp_path, None, "sensitivity", ours)
    for name in ("notes.txt", "a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text("")
    with pytest.raises(RefusedError) as refused:
        refuse_foreign(tmp_path, None, "sensitivity", ours)
    assert str(refused.value) == (
        f"out={tmp_path} holds other files (a.csv, b.csv, c.csv) and no sensitivity manifest; "
        "choose a new or empty folder"
    )

    # The calibration's files are named by prefix (wave_1, confirm_2, ...).
    waves = tmp_path / "calibration"
    (waves / "wave_1").mkdir(parents=True)
    _claim(waves)
    (waves / "draft.md").write_text("")
    with pytest.raises(RefusedError, match=r"holds other files \(draft.md\) and no calibration"):
        _claim(waves)
