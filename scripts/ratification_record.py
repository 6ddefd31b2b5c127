"""Ratification against the record: P9 and B5-B6, both treaties' series, the band figure.

    python scripts/ratification_record.py [--replications 300] [--points 8] [--seed 19]
        [--out results/ratification] [--figures docs/figures]
    python scripts/ratification_record.py --step-points 256   # BBNJ's step over the priors

Runs each treaty's negotiation (`ahc_cybercrime`, `bbnj`; the rush cost's twin skipped)
once per replication at the defaults, then replays ratification on each run's text at
the default and at `--points` points of a Sobol design over the ratification priors of
configs/calibrate.yaml (the negotiation held at its defaults). A replay is the model's
own ratification: it draws only from the run's `ratification` stream, which nothing
else uses (checked at the default, run by run). Prints and writes, per point: the
patterns' scores (P9; B5, B6), the series at the record's dates (model mean and 10-90%
against the record), and the figure of the default's band (`ratification_band.*`).
Two reference points are added: the first priors written for the campaigns (x1-10 over
+-7-91 days, centre x5.5 +-49 days) and version 2's constant-hazard law.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.calibration import compose_calibration
from sim.analysis.patterns import load_patterns, score
from sim.analysis.priors import design, plain
from sim.analysis.ratification import load_record, series_table
from sim.api import compose_config
from sim.figures.ratification import ratification_figure
from sim.model.ratification import DAYS_PER_MONTH, entry_into_force_day, parties_by_month, ratify
from sim.model.session import Negotiation
from sim.model.streams import stage_streams
from sim.run.seeds import replication_seeds

ROOT = Path(__file__).resolve().parents[1]
TREATIES = {"ahc_cybercrime": [], "bbnj": ["scenario=bbnj"]}
PATTERNS = {
    "ahc_cybercrime": "configs/patterns/ahc_cybercrime.yaml",
    "bbnj": "configs/patterns/bbnj.yaml",
}
SCORED = {"ahc_cybercrime": ("P9",), "bbnj": ("B5", "B6")}
REFERENCES = {
    "first_priors_centre": {"event_multiplier": 5.5, "event_window_days": 49},
    "version_2_law": {
        "base_hazard_per_year": 0.621,
        "dislike_sensitivity": 7.59,
        "channels": {"signature": False, "procedures": False, "diffusion": False, "events": False},
    },
}


def negotiate(name: str, replications: int, seed: int) -> tuple[object, list]:
    """Each replication's run: its seed, delegations, text, row and ratification days."""
    cfg = compose_config(
        [*TREATIES[name], f"seed={seed}", f"replications={replications}", "crn=true"]
    )
    cfg = dataclasses.replace(cfg, measures=dataclasses.replace(cfg.measures, rush_cost=False))
    runs = []
    for run_seed in replication_seeds(cfg):
        model = Negotiation(cfg, seed=run_seed, collect=False)
        record = model.run()
        runs.append((run_seed, model.population.delegations, record.text, record))
    return cfg, runs


def with_values(cfg, values: dict) -> object:
    """`cfg.ratification` with `values` set (`channels` a dict of switches)."""
    values = dict(values)
    channels = dataclasses.replace(cfg.ratification.channels, **values.pop("channels", {}))
    return dataclasses.replace(cfg.ratification, **values, channels=channels)


def replay(cfg, runs: list, values: dict, check: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs' pattern columns and parties by month with ratification set to `values`."""
    rat = with_values(cfg, values)
    rows, tables = [], []
    months = int(rat.horizon_years * 12)
    for r, (run_seed, delegations, text, record) in enumerate(runs):
        row = record.row
        days = None
        if record.adopted_by is not None:
            days = ratify(delegations, text, rat, stage_streams(run_seed)["ratification"])
        if check and not np.array_equal(days, record.ratification_days):
            raise AssertionError(f"replay of run {r} differs from the model's ratification")
        eif = None if days is None else entry_into_force_day(days, rat)
        out = {**row, "replication": r}  # every column the pattern tables read
        out["entry_into_force_day"] = np.nan if eif is None else row["adoption_day"] + eif
        for m in (16, 22, 25, 27, 31):
            out[f"parties_after_{m}_months"] = (
                0 if days is None else int((days <= m * DAYS_PER_MONTH).sum())
            )
        rows.append(out)
        if days is not None:
            tables.append(
                pd.DataFrame(
                    {
                        "scenario": cfg.scenario.name,
                        "config_id": "replay",
                        "replication": r,
                        "month": np.arange(months + 1),
                        "parties": parties_by_month(days, months),
                    }
                )
            )
    return pd.DataFrame(rows), pd.concat(tables, ignore_index=True)


def points(n: int, seed: int) -> dict[str, dict]:
    """The default, the reference points and `n` Sobol points over the ratification priors."""
    sampled = {
        k.removeprefix("ratification."): v
        for k, v in compose_calibration([]).space().priors.items()
        if k.startswith("ratification.")
    }
    out = {"default": {}, **REFERENCES}
    for i, row in design(sampled, n, "sobol", seed).iterrows():
        out[f"prior_{i + 1}"] = {k: plain(v) for k, v in row.items()}
    return out


def step_check(n: int, replications: int, seed: int) -> pd.DataFrame:
    """BBNJ's step (21 parties at 24.5 months, 49 at 27.2) over `n` points of the priors.

    Per point: the runs' mean parties at the record's dates, and the rise from 24.5 to
    27.2 months; the Convention's at 21.5 months beside them.
    """
    from sim.analysis.ratification import parties_at

    negotiated = {name: negotiate(name, replications, seed) for name in TREATIES}
    rows = []
    for label, values in points(n, seed + 1).items():
        found = {"point": label}
        for name, (cfg, runs) in negotiated.items():
            table = replay(cfg, runs, values)[1]
            days = {"ahc_cybercrime": (654,), "bbnj": (473, 746, 828, 930)}[name]
            found |= {f"{name}_{d}": float(parties_at(table, d).mean()) for d in days}
        found["bbnj_step"] = found["bbnj_828"] - found["bbnj_746"]
        rows.append(found)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=300)
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "ratification")
    parser.add_argument("--figures", type=Path, default=None)
    parser.add_argument("--step-points", type=int, default=0, help="points for the step check")
    parser.add_argument("--step-replications", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.step_points:
        steps = step_check(args.step_points, args.step_replications, args.seed)
        steps.to_csv(args.out / "step_check.csv", index=False)
        low = steps[steps["bbnj_746"] <= 30]
        both = steps[(steps["bbnj_746"] <= 30) & (steps["bbnj_828"] >= 40)]
        print(f"{len(both)} of {len(steps)} points: <= 30 parties at 24.5 months and >= 40 at 27.2")
        print(f"largest rise 24.5 -> 27.2 months where <= 30 at 24.5: {low['bbnj_step'].max():.1f}")
        return
    record = load_record()
    negotiated = {name: negotiate(name, args.replications, args.seed) for name in TREATIES}
    scores, series, tables = [], [], {}
    for label, values in points(args.points, args.seed).items():
        for name, (cfg, runs) in negotiated.items():
            runs_frame, table = replay(cfg, runs, values, check=label == "default")
            tables[(label, name)] = table
            result = score(load_patterns(ROOT / PATTERNS[name]), runs_frame)
            shown = {k: v for k, v in values.items() if k != "channels"} | values.get(
                "channels", {}
            )
            eif = runs_frame["entry_into_force_day"] - runs_frame["adoption_day"]
            shown |= {
                "in_force_days_mean": float(eif.mean()),
                "in_force_runs": int(eif.notna().sum()),
            }
            for pattern in SCORED[name]:
                scores.append(
                    {
                        "point": label,
                        "pattern": pattern,
                        "met": result[pattern],
                        "share_of_runs": result[f"{pattern}.0"],
                        **shown,
                    }
                )
            found = series_table(table, record).assign(point=label)
            series.append(found)
    scores, series = pd.DataFrame(scores), pd.concat(series, ignore_index=True)
    scores.to_csv(args.out / "scores.csv", index=False)
    series.to_csv(args.out / "series.csv", index=False)
    pd.set_option("display.width", 200)
    print(scores[["point", "pattern", "met", "share_of_runs"]].to_string(index=False))
    columns = [
        "point",
        "scenario",
        "date",
        "months",
        "record",
        "model_mean",
        "model_p10",
        "model_p90",
        "runs_at_or_below_record",
    ]
    print(series[columns].round(2).to_string(index=False))
    thresholds = {n: cfg.ratification.threshold for n, (cfg, _) in negotiated.items()}
    met = scores.groupby("point")["met"].all()
    shown = ["default", *[p for p in met.index if met[p] and p != "default"]]
    for label in shown:  # the default, and every point that meets P9, B5 and B6 together
        table = pd.concat([tables[(label, n)] for n in TREATIES], ignore_index=True)
        paper = ratification_figure(table, record, thresholds)
        stem = "ratification_band" + ("" if label == "default" else f"_{label}")
        paper.save(args.out / stem)
        if args.figures is not None:
            paper.save(args.figures / stem, formats=("png",))
    print("points meeting P9, B5 and B6 together:", [p for p in shown if p != "default"] or "none")


if __name__ == "__main__":
    main()
