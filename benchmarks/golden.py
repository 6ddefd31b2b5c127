"""Golden snapshot: prove an optimisation leaves results bit-identical.

    .venv/bin/python benchmarks/golden.py save  [PATH]   # before changing the model
    .venv/bin/python benchmarks/golden.py check [PATH]   # after each change (default PATH:
                                                         # sim_golden.pkl in the temp folder)

Runs `run_replication` for 3 seeds of a set of configurations that together exercise
every code path of the hot loop (tiers, friends of the chair by capability and by bloc,
observers, bloc proxies on and off, every funding design, every decision rule, the
version-2 channels on and off, compression under dear meetings, amendment votes,
extensions with and without authorisation, a synthetic 1,000-delegation table, the
calibration's other two negotiations and points near the ends of its priors) and
compares the tables exactly (`assert_frame_equal(check_exact=True)`: runs, meetings,
delegations, and the parties-by-month ratification table when the snapshot has it),
plus each model's final positions and text, and the tables `run_replications` builds
for all 3 replications at once.

One change of type is allowed, and only that: a count or day column stored as int64
or float64 in the snapshot may now be a nullable ``Int64`` (sim/run/schema.py), with
exactly the same values (NaN then, <NA> now).
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_overrides

DEFAULT_PATH = Path(tempfile.gettempdir()) / "sim_golden.pkl"
SEEDS = 3

CASES: dict[str, list[str]] = {
    "default": [],
    "default_friends_hybrid": ["process=friends_of_chair", "funding=hybrid"],
    "default_trust_fund": ["funding=trust_fund"],
    "default_cost_sharing": ["funding=cost_sharing"],
    "default_open_plenary": ["process=open_plenary"],
    "default_single_room": ["process=single_informal_room"],
    "default_observers": ["process=two_tier_observers"],
    "default_friends_bloc": ["process=friends_of_chair", "process.friends.selection=bloc"],
    "default_no_blocs": ["behaviour.bloc_coordination=false"],
    "default_consensus_only": ["decision=consensus_only"],
    "default_vote": ["decision=two_thirds_vote"],
    "default_capacity_share": ["funding=cost_sharing", "funding.cost_sharing_mode=capacity"],
    "default_dear_meetings": ["cost.meeting_usd=1.5e6"],  # compression and nights at work
    "default_amendments": ["channels.amendment_votes=true"],
    "default_no_shadow": ["channels.shadow_of_vote=false", "decision=two_thirds_vote"],
    "default_channels_off": [
        "channels.compression=false",
        "channels.closing_doors=false",
        "channels.holdout_accommodation=false",
    ],
    "default_no_authorisation": ["cost.extension_authorised=false", "cost.process_budget_usd=4e6"],
    "small_friends_hybrid": ["scenario=small", "process=friends_of_chair", "funding=hybrid"],
    "small_trust_fund": ["scenario=small", "funding=trust_fund"],
    "small_cost_sharing": ["scenario=small", "funding=cost_sharing"],
    "small_hybrid_remote_votes": [
        "scenario=small",
        "funding=hybrid",
        "funding.remote_counts_for_decision=true",
    ],
    # the calibration's three negotiations, and points near the ends of its priors
    "bbnj": ["scenario=bbnj"],
    "plastics_inc": ["scenario=plastics_inc"],
    "bbnj_wide_rooms": [
        "scenario=bbnj",
        "process.max_parallel_rooms=3",
        "process.stocktaking_days=2",
        "process.compression.max_parallel_rooms=4",
        "behaviour.confidence=0.5",
        "behaviour.persuasion_rate=0.05",
    ],
    "plastics_v3_off": [
        "scenario=plastics_inc",
        "process.stocktaking_days=0",
        "channels.room_size=false",
        "channels.audience_costs=false",
        "channels.unfinished_work=false",
        "channels.acquiescence=false",
    ],
}


def _snapshot() -> dict[str, object]:
    from sim.api import compose_config
    from sim.model import NegotiationModel
    from sim.run.replications import replication_seeds, run_replication, run_replications

    cases = dict(CASES)
    cases["n1000_friends_hybrid"] = [
        *synthetic_overrides(1000),
        "process=friends_of_chair",
        "funding=hybrid",
    ]
    out: dict[str, object] = {}
    for name, overrides in cases.items():
        cfg = compose_config([*overrides, f"replications={SEEDS}"])
        for r, seed in enumerate(replication_seeds(cfg)):
            tables = run_replication(cfg, r, seed)
            model = NegotiationModel(cfg, seed=seed)
            model.run()
            out[f"{name}/{r}"] = {
                "runs": tables.runs,
                "meetings": tables.meetings,
                "delegations": tables.delegations,
                "ratification": tables.ratification,
                "positions": model.positions.copy(),
                "text": model.chair.text.copy(),
            }
        tables = run_replications(cfg)
        out[f"{name}/all"] = {
            "runs": tables.runs,
            "meetings": tables.meetings,
            "delegations": tables.delegations,
            "ratification": tables.ratification,
        }
    return out


def _as_snapshot_types(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """`after` with its nullable-integer columns cast back to the snapshot's int/float type."""
    after = after.copy()
    for column in after.columns:
        if column not in before.columns or not isinstance(after[column].dtype, pd.Int64Dtype):
            continue
        old = before[column].dtype
        if old == np.int64 and not after[column].isna().any():
            after[column] = after[column].astype(np.int64)
        elif old == np.float64:
            after[column] = after[column].astype("Float64").to_numpy(np.float64, na_value=np.nan)
    return after


def _compare(old: dict[str, object], new: dict[str, object]) -> list[str]:
    problems = []
    for key, before in old.items():
        after = new.get(key)
        if after is None:
            problems.append(f"{key}: missing")
            continue
        for part in ("runs", "meetings", "delegations", "ratification"):
            if part not in before:  # a snapshot from before the ratification table
                continue
            if before[part] is None or after.get(part) is None:
                if before[part] is not None or after.get(part) is not None:
                    problems.append(f"{key} {part}: present in one snapshot only")
                continue
            try:
                same_types = _as_snapshot_types(before[part], after[part])
                pd.testing.assert_frame_equal(before[part], same_types, check_exact=True)
            except AssertionError as err:
                problems.append(f"{key} {part}: {str(err).splitlines()[:3]}")
        for part in ("positions", "text"):
            if part in before and not np.array_equal(before[part], after[part]):
                problems.append(f"{key} {part}: arrays differ")
    return problems


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("mode", nargs="?", choices=("save", "check"), default="check")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    mode, path = args.mode, args.path
    snap = _snapshot()
    if mode == "save":
        path.write_bytes(pickle.dumps(snap))
        print(f"saved {len(snap)} replications to {path}")
        return 0
    problems = _compare(pickle.loads(path.read_bytes()), snap)
    for p in problems:
        print("DIFF", p)
    print(f"{len(snap)} replications compared: {'IDENTICAL' if not problems else 'DIFFERENT'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
