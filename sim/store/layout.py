"""Names of the files and folders in a results folder (defined here, and only here).

A run folder (or one job of a sweep) holds `config.yaml`, the four tables and, written
last, `manifest.json`; a sweep folder holds one such folder per job, the aggregated
tables and its own `manifest.json`. See results/README.md.
"""

from __future__ import annotations

__all__ = [
    "AGGREGATED",
    "CONFIG_FILE",
    "FAILURE_FILE",
    "FORMAT_VERSION",
    "INDEX_DIR",
    "LOCK_FILE",
    "MANIFEST",
    "QUARANTINE_DIR",
    "SUPERSEDED_DIR",
    "TABLES",
]

MANIFEST = "manifest.json"  # written last: a run or job folder is complete iff it is there
CONFIG_FILE = "config.yaml"  # the resolved model inputs of a run or job
FAILURE_FILE = "failure.json"  # a sweep job that raised: its error and traceback
LOCK_FILE = ".lock"  # held (flock) while a process writes into the folder
INDEX_DIR = ".index"  # <sweep>/.index/<hash of a job's overrides>.json -> its folder
QUARANTINE_DIR = ".quarantine"  # damaged job folders, moved aside before a re-run
SUPERSEDED_DIR = ".superseded"  # job folders a finished sweep's plan no longer has
# 2: job manifests record each file's size and SHA-256 and the input data's digest;
# sweep manifests record the aggregates' and the problems that keep a sweep incomplete.
FORMAT_VERSION = 2
TABLES = ("runs", "meetings", "delegations", "ratification")
AGGREGATED = ("runs", "meetings")  # written at a sweep's root; the others stay per job
