"""Results safe to read with any tool: a glob over a sweep's job files.

Issue 22: after `make demo` and `make demo DEMO_ARGS="replications=50"`, reading
`results/sweeps/demo/*/runs.parquet` returned the old 20-replication folders too, and
the job files lacked the swept keys. results/README.md gives this glob; this test holds
it with pandas, pyarrow and polars.
"""

from __future__ import annotations

import json

import pandas as pd
import polars as pl
import pyarrow.dataset as ds

from tests.shared import ROOT

SWEEP = [
    "-m",
    "scenario=small",
    "process=open_plenary,two_tier",
    "behaviour.confidence=0.2,0.3",
]


def test_a_glob_over_job_files_gives_each_run_once_with_its_swept_keys(run_cli, tmp_path):
    folder = tmp_path / "sweep"
    for replications in (3, 2):  # a resume with fewer replications leaves r3 folders behind
        done = run_cli(
            tmp_path, *SWEEP, f"replications={replications}", f"hydra.sweep.dir={folder}",
            "resume=true",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
    pattern = str(folder / "*" / "runs.parquet")
    files = sorted(map(str, folder.glob("*/runs.parquet")))
    readers = {
        "pandas": lambda: pd.concat(pd.read_parquet(p) for p in files),
        "pyarrow": lambda: ds.dataset(files).to_table().to_pandas(),
        "polars": lambda: pl.read_parquet(pattern).to_pandas(),
    }
    for name, read in readers.items():
        runs = read()
        assert len(runs) == 4 * 2, name  # 4 configurations x 2 replications, once each
        assert not runs.duplicated(["config_id", "replication"]).any(), name
        assert sorted(runs["behaviour.confidence"].unique()) == [0.2, 0.3], name
    aggregate = pd.read_parquet(folder / "runs.parquet")
    assert len(aggregate) == 8
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["superseded"]) == 4  # the r3 folders: moved aside, kept
    assert all((folder / p / "runs.parquet").is_file() for p in manifest["superseded"])


def test_results_readme_gives_the_glob_this_test_holds():
    text = (ROOT / "results" / "README.md").read_text()
    assert 'pl.read_parquet("results/sweeps/demo/*/runs.parquet")' in text
    assert "`.superseded/`" in text and "tests/test_results_glob.py" in text
