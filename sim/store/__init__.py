"""The results store: every file the package writes or reads in a results folder.

Why one package: a run, a sweep job, a sweep's aggregate, a report and a figure must
all be written the same safe way (atomically, readable by others, checkable later)
and read by the same rules (only complete, undamaged jobs; partial sweeps said to be
partial). Modules, each with one job, importing only downward in this list:

- `faults`: fault injection for the reliability tests (inert unless ``SIM_FAULT``);
- `layout`: the names of files and folders, and the format version;
- `provenance`: versions, git state and command line for manifests;
- `files`: atomic writes with ordinary permissions, JSON reads, checksums;
- `lock`: one writer per folder (`flock`), stale locks of killed writers;
- `jobs`: a run's or job's results and manifest, damage checks, failures;
- `aggregate`: a sweep's job tables streamed into one table;
- `sweeps`: a sweep's manifest, from the start of an attempt to its verdict;
- `read`: loading results, and how complete a folder is.

`aggregate` and `read` (pyarrow and pandas, a second or more to import) load when one
of their names is first used: a run or a sweep job writes its results without them.
"""

from __future__ import annotations

from sim.store.files import (
    CorruptFileError,
    atomic_write,
    file_record,
    own_temporary,
    read_json,
    remove_temporaries,
    sha256_file,
    verify_file,
    write_bytes,
    write_json,
    write_parquet,
    write_text,
)
from sim.store.jobs import (
    check_job,
    job_state,
    quarantine,
    read_failure,
    verify_results,
    write_failure,
    write_results,
)
from sim.store.layout import (
    AGGREGATED,
    CONFIG_FILE,
    FAILURE_FILE,
    FORMAT_VERSION,
    INDEX_DIR,
    LOCK_FILE,
    MANIFEST,
    QUARANTINE_DIR,
    TABLES,
)
from sim.store.lock import (
    FolderBusyError,
    FolderLock,
    StaleLockError,
    claim_new_dir,
    describe_holder,
    lock_holder,
    remove_if_empty,
)
from sim.store.provenance import command_line, environment_info, git_state, utc_now
from sim.store.sweeps import (
    RUN_KEYS,
    changed_inputs,
    check_sweep_folder,
    exit_code,
    finish_sweep,
    identity_overrides,
    index_key,
    overrides_id,
    start_sweep,
    write_index,
)

__all__ = [
    "AGGREGATED",
    "CONFIG_FILE",
    "FAILURE_FILE",
    "FORMAT_VERSION",
    "INDEX_DIR",
    "LOCK_FILE",
    "MANIFEST",
    "QUARANTINE_DIR",
    "RUN_KEYS",
    "TABLES",
    "Completeness",
    "CorruptFileError",
    "FolderBusyError",
    "FolderLock",
    "PartialResultsWarning",
    "StaleLockError",
    "aggregate_table",
    "atomic_write",
    "changed_inputs",
    "check_job",
    "check_sweep_folder",
    "claim_new_dir",
    "command_line",
    "completeness",
    "describe_holder",
    "environment_info",
    "exit_code",
    "file_record",
    "finish_sweep",
    "git_state",
    "identity_overrides",
    "index_key",
    "iter_job_tables",
    "job_state",
    "load_checked",
    "load_manifest",
    "load_results",
    "lock_holder",
    "overrides_id",
    "quarantine",
    "read_failure",
    "read_json",
    "remove_if_empty",
    "own_temporary",
    "remove_temporaries",
    "sha256_file",
    "start_sweep",
    "sweep_jobs",
    "utc_now",
    "verify_file",
    "verify_results",
    "write_bytes",
    "write_failure",
    "write_index",
    "write_json",
    "write_parquet",
    "write_results",
    "write_text",
]


_LAZY = {
    "aggregate_table": "sim.store.aggregate",
    "iter_job_tables": "sim.store.aggregate",
    "Completeness": "sim.store.read",
    "PartialResultsWarning": "sim.store.read",
    "completeness": "sim.store.read",
    "load_checked": "sim.store.read",
    "load_manifest": "sim.store.read",
    "load_results": "sim.store.read",
    "sweep_jobs": "sim.store.read",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim.store' has no attribute {name!r}")
