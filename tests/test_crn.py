"""Common random numbers: shared populations and streams across designs, reproducibility.

Replication r of every design starts from the same run seed (`sim.run.seeds`) and
draws each stage from its own stream (`sim.model.streams`), so a design change does
not shift the draws of a stage it does not touch; rows stay a function of the
configuration, base seed and CRN mode whatever launcher runs them.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError, compose_config, set_values
from sim.model import NegotiationModel
from sim.model.streams import STAGES, stage_streams
from sim.run.replications import run_replications
from sim.run.seeds import configuration_hash, crn_for_plan, replication_seeds, sweep_crn
from tests.test_sweep import TINY, only_sweep, sim_cli


@pytest.fixture(scope="module")
def small():
    return compose_config(["scenario=small", "replications=3", "measures.rush_cost=false"])


def _design(cfg, **groups):
    return compose_config(
        ["scenario=small", "replications=3", "measures.rush_cost=false"]
        + [f"{k}={v}" for k, v in groups.items()]
        + [f"crn={str(cfg.crn).lower()}"]
    )


def test_crn_gives_every_design_the_same_seeds_and_population(small) -> None:
    a = set_values(small, {"crn": True})
    b = set_values(compose_config(["scenario=small", "process=open_plenary"]), {"crn": True})
    b = dataclasses.replace(b, replications=3, measures=a.measures)
    assert configuration_hash(a) != configuration_hash(b)
    seeds = replication_seeds(a)
    assert seeds == replication_seeds(b) and len(set(seeds)) == 3
    for seed in seeds:
        pa = NegotiationModel(a, seed).population.delegations
        pb = NegotiationModel(b, seed).population.delegations
        for name in ("budget_usd", "staff", "expertise", "ideal", "salience", "reservation"):
            np.testing.assert_array_equal(getattr(pa, name), getattr(pb, name))


def test_without_crn_designs_draw_their_own_seeds(small) -> None:
    a = set_values(small, {"crn": False})
    b = set_values(small, {"crn": False, "process.step_formal": 0.05})
    assert set(replication_seeds(a)).isdisjoint(replication_seeds(b))
    # ... and a design's own seeds do not depend on the mode's spelling or numpy types
    assert replication_seeds(a) == replication_seeds(set_values(a, {"seed": np.int64(0)}))


def test_a_design_change_does_not_shift_an_untouched_stage(small) -> None:
    """Designs that hold different numbers of consultations share the ratification draws."""
    # (tabling needs no finished work here, so the tabling meeting decides when it ends)
    base = set_values(
        small,
        {"crn": True, "scenario.calendar.consultations": 4, "channels.unfinished_work": False},
    )
    early = set_values(base, {"decision.earliest_tabling_meeting": 2})
    late = set_values(base, {"decision.earliest_tabling_meeting": 4})
    seed = replication_seeds(early)[1]
    runs = []
    for cfg in (early, late):
        model = NegotiationModel(cfg, seed)
        model.run()
        runs.append(model)
    a, b = runs
    assert a.meeting < b.meeting  # the precondition: the designs differ in meetings held
    state = {name: [m.streams[name].bit_generator.state["state"] for m in runs] for name in STAGES}
    assert state["consultation"][0] != state["consultation"][1]  # more consultations in one
    assert state["attendance"][0] == state["attendance"][1]  # untouched by both
    if a.adopted_by and b.adopted_by:  # both drew the ratification waits once
        assert state["ratification"][0] == state["ratification"][1]
    # a stage's first draws are a function of the run seed alone
    fresh = stage_streams(seed)["population"].random(3)
    assert not np.array_equal(fresh, stage_streams(seed)["consultation"].random(3))
    np.testing.assert_array_equal(fresh, stage_streams(seed)["population"].random(3))


def test_rows_do_not_depend_on_the_order_designs_run_in(small) -> None:
    cfgs = [
        set_values(small, {"crn": True}),
        set_values(small, {"crn": True, "process.max_parallel_rooms": 1}),
    ]
    first = [run_replications(c, with_delegations=False).runs for c in cfgs]
    second = [run_replications(c, with_delegations=False).runs for c in reversed(cfgs)][::-1]
    for x, y in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert list(first[0]["run_seed"]) == list(first[1]["run_seed"])
    assert first[0]["crn"].all()


def test_auto_crn_follows_what_the_sweep_varies() -> None:
    designs = [["process=open_plenary", "seed=0"], ["process=two_tier", "seed=0"]]
    assert crn_for_plan(designs)
    costs = [["cost.meeting_usd=5e5", "funding=none"], ["cost.meeting_usd=2e6", "funding=none"]]
    assert crn_for_plan(costs)
    assert crn_for_plan([["replications=2"], ["replications=3"]])
    behaviour = [["process=two_tier", "behaviour.confidence=0.2"], ["behaviour.confidence=0.3"]]
    assert not crn_for_plan(behaviour)
    assert not crn_for_plan([["scenario=small"], ["scenario=ahc_cybercrime"]])
    assert sweep_crn(True, behaviour) and not sweep_crn(False, designs)
    assert sweep_crn("auto", designs) and not sweep_crn("auto", behaviour)


def test_crn_takes_auto_true_or_false_only(small) -> None:
    for good in ("auto", True, False):
        set_values(small, {"crn": good})
    with pytest.raises(ConfigError, match="crn"):
        set_values(small, {"crn": "sometimes"})


def _manifest(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def test_design_sweep_uses_crn_and_matches_an_in_process_run(tmp_path) -> None:
    """The CLI (joblib launcher) and an in-process run give the same rows under CRN."""
    done = sim_cli(tmp_path, "-m", *TINY, "process=open_plenary,two_tier", "hydra/launcher=joblib")
    assert done.returncode == 0, done.stderr[-3000:]
    sweep = only_sweep(tmp_path)
    m = _manifest(sweep)
    assert m["crn"] is True
    assert all(job["crn"] is True for job in m["jobs"])
    assert m["jobs"][0]["run_seeds"] == m["jobs"][1]["run_seeds"]
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert runs["crn"].all()
    for process in ("open_plenary", "two_tier"):
        cfg = compose_config([*TINY, f"process={process}", "crn=true"])
        mine = run_replications(cfg, with_delegations=False).runs
        theirs = runs[runs["process"] == process].reset_index(drop=True)[list(mine.columns)]
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)


def test_behaviour_sweep_runs_without_crn_unless_asked(tmp_path) -> None:
    done = sim_cli(tmp_path, "-m", *TINY, "behaviour.confidence=0.2,0.3")
    assert done.returncode == 0, done.stderr[-3000:]
    m = _manifest(only_sweep(tmp_path))
    assert m["crn"] is False
    assert m["jobs"][0]["run_seeds"] != m["jobs"][1]["run_seeds"]
    other = tmp_path / "forced"
    other.mkdir()
    done = sim_cli(other, "-m", *TINY, "behaviour.confidence=0.2,0.3", "crn=true")
    assert done.returncode == 0, done.stderr[-3000:]
    m = _manifest(only_sweep(other))
    assert m["crn"] is True and m["jobs"][0]["run_seeds"] == m["jobs"][1]["run_seeds"]
