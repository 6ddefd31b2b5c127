"""End to end: `python -m sim ...` writes complete results, or fails cleanly on bad input.

The command-line runs are started together (each costs seconds of imports) by one
module fixture; the tests then read their exit codes, output and folders.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.shared import INCOME_GROUPS, PYTHON, ROOT, runs_columns

OUTPUTS = (
    "runs.parquet",
    "meetings.parquet",
    "delegations.parquet",
    "ratification.parquet",
    "config.yaml",
    "manifest.json",
)

# every test here reads one command-line run started in a subprocess
pytestmark = pytest.mark.slow


# Only the command line's own paths here: a validation error (exit 2, logged) and a
# Hydra type error; every other bad value is checked in-process in test_config.py.
CASES = {
    "ok": ["scenario=small", "replications=2", "seed=3"],
    "negative_cost": ["scenario=small", "cost.meeting_usd=-1"],
    "wrong_type": ["scenario=small", "cost.meeting_usd=abc"],
}


@dataclass
class Result:
    returncode: int
    output: str  # stdout and stderr together
    out_dir: Path


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    running = {}
    for name, overrides in CASES.items():
        out_dir = base / name
        running[name] = (
            subprocess.Popen(
                [
                    str(PYTHON),
                    "-m",
                    "sim",
                    *overrides,
                    f"hydra.run.dir={out_dir}",
                    "progress=false",
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
            out_dir,
        )
    results = {}
    for name, (proc, out_dir) in running.items():
        output, _ = proc.communicate(timeout=300)
        results[name] = Result(proc.returncode, output, out_dir)
    return results


def test_cli_run_writes_every_output(cli):
    result = cli["ok"]
    assert result.returncode == 0, result.output
    for name in OUTPUTS:
        assert (result.out_dir / name).is_file(), f"{name} missing:\n{result.output}"


def test_cli_runs_table_has_the_contract_columns(cli):
    runs = pd.read_parquet(cli["ok"].out_dir / "runs.parquet")
    assert list(runs.columns) == runs_columns()
    assert len(runs) == 2
    assert sorted(runs["replication"]) == [0, 1]
    assert (runs["seed"] == 3).all()
    assert set(runs["adopted_by"]) <= {"consensus", "vote", "none"}
    assert (runs["adopted"] == (runs["adopted_by"] != "none")).all()
    assert (runs["scenario"] == "small").all()
    assert (runs["process"] == "two_tier").all()
    assert (runs["funding"] == "none").all()
    assert (runs["decision"] == "consensus_then_vote").all()
    voice = runs[
        [f"{kind}_{g}" for kind in ("voice_share", "proxied_voice_share") for g in INCOME_GROUPS]
    ]
    np.testing.assert_allclose(voice.sum(axis=1), 1.0)  # own and proxied voice together


def test_cli_tables_are_consistent(cli):
    out = cli["ok"].out_dir
    runs = pd.read_parquet(out / "runs.parquet").set_index("replication")
    meetings = pd.read_parquet(out / "meetings.parquet")
    delegations = pd.read_parquet(out / "delegations.parquet")
    cost = meetings.groupby("replication")["meeting_cost_usd"].sum()
    np.testing.assert_allclose(runs["process_cost_usd"], cost[runs.index], rtol=1e-12)
    held = meetings.groupby("replication").size()
    assert (held[runs.index] == runs["meetings_held"]).all()
    assert (delegations.groupby("replication").size() == 12).all()


def test_cli_manifest_and_config(cli):
    out = cli["ok"].out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["seed"] == 3
    assert manifest["replications"] == 2
    assert len(manifest["run_seeds"]) == 2
    assert manifest["rows"]["runs"] == 2
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(manifest["run_seeds"]) == sorted(runs["run_seed"].tolist())
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["scenario"]["name"] == "small"
    assert config["replications"] == 2
    assert config["seed"] == 3


def test_cli_config_yaml_reproduces_the_run(cli):
    """The resolved config.yaml is the model input: it hashes like the manifest says."""
    from sim.config import to_sim_config
    from sim.run.replications import configuration_hash, replication_seeds

    out = cli["ok"].out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    cfg = to_sim_config(yaml.safe_load((out / "config.yaml").read_text()))
    assert configuration_hash(cfg) == manifest["config_hash"]
    assert replication_seeds(cfg) == manifest["run_seeds"]


def test_cli_results_equal_an_in_process_run(cli):
    """Same config and seed, another process: the same rows, bit for bit."""
    from sim.api import compose_config
    from sim.run.replications import run_replications

    tables = run_replications(compose_config(CASES["ok"]))
    out = cli["ok"].out_dir
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), tables.runs)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "meetings.parquet"), tables.meetings)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "delegations.parquet"), tables.delegations)


@pytest.mark.parametrize(
    ("case", "key", "value"),
    [
        ("negative_cost", "cost.meeting_usd", "-1"),
        ("wrong_type", "cost.meeting_usd", "abc"),
    ],
)
def test_cli_bad_value_fails_naming_key_and_value(cli, case, key, value):
    result = cli[case]
    assert result.returncode != 0, result.output
    assert key in result.output
    assert value in result.output
    assert not list(result.out_dir.glob("**/*.parquet"))
    assert not (result.out_dir / "manifest.json").exists()


WHAT_LOADED = """
import runpy, sys
sys.argv = ["sim", *sys.argv[1:]]
try:
    runpy.run_module("sim", run_name="__main__")
except SystemExit:
    pass
heavy = [m for m in ("numpy", "pandas", "numba", "sim.run.callbacks") if m in sys.modules]
sys.stderr.write("LOADED " + ",".join(heavy) + "\\n")
"""


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--help"], ["process=nope"], ["scenario.bogus=1"]])
def test_help_and_a_configuration_error_load_neither_numpy_nor_the_model(args, tmp_path):
    """Issue 23: `--help` and a configuration error answer in Hydra's time alone."""
    done = subprocess.run(
        [PYTHON, "-c", WHAT_LOADED, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    loaded = [line for line in done.stderr.splitlines() if line.startswith("LOADED")]
    assert loaded == ["LOADED "], done.stderr[-2000:]


@pytest.mark.slow
def test_a_sweep_preset_still_sets_multirun_without_dash_m(tmp_path):
    """`python -m sim` skips Hydra's mode-only composition unless an override names a
    group that sets `hydra.mode` (the sweep presets): the preset must still sweep."""
    args = ["+sweep=meeting_cost", "scenario=small", "replications=1", "progress=false"]
    done = subprocess.run(
        [PYTHON, "-m", "sim", *args, f"hydra.sweep.dir={tmp_path / 'sweep'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((tmp_path / "sweep" / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and len(manifest["jobs"]) > 1
