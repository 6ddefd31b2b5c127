"""Out-of-sample test: three negotiations, one set of behavioural parameters.

The command is `python -m sim.out_of_sample` (sim/out_of_sample.py).
A model calibrated on one negotiation can be tuned to it; the convincing test is another
negotiation, run with the same behavioural parameters and only its own facts changed.
This runs the committee on cybercrime (where the parameters were calibrated), the BBNJ
conference and the plastics INC (`scenario=bbnj`, `scenario=plastics_inc`) and scores
each against its own pattern table (`configs/patterns/`, written before the model was run
on it), with `sim.analysis.patterns.score`. For every pattern it reports the table's statistic,
whether the target is met and the share of single runs that meet it; for every
negotiation the share of runs reproducing its record's outcome; and the comparison of
the two treaties' ratification. The rush cost's unhurried twin is skipped (it is not a
pattern), as in the calibration.

Writes `runs.parquet` (the three negotiations' runs), `scores.csv` / `scores.md`,
`outcomes.csv`, `manifest.json` and `figures/negotiations_compared.*` (the figure
comparing the three negotiations, `sim.figures.negotiations`, in every format) into
`--out`, and the figure's PNG and CSV into `--figures` when given (docs/figures).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.patterns import PatternTable, Target, evaluate, load_patterns, score
from sim.config import SimConfig

__all__ = [
    "FACTS",
    "NEGOTIATIONS",
    "Negotiation",
    "compose_negotiation",
    "held_fixed_differences",
    "outcome_table",
    "ratification_comparison",
    "run_arms",
    "run_negotiations",
    "score_table",
]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Negotiation:
    """One negotiation: its overrides, its pattern table and its record's outcome."""

    name: str
    label: str
    overrides: tuple[str, ...]
    patterns: str  # path relative to the repository
    record: str  # a condition on a run: the record's outcome
    record_text: str
    adopted_by_consensus: bool  # what the record shows, for the figure


NEGOTIATIONS: dict[str, Negotiation] = {
    n.name: n
    for n in (
        Negotiation(
            "ahc_cybercrime",
            "Cybercrime committee",
            (),
            "configs/patterns/ahc_cybercrime.yaml",
            "adopted & (extensions_used == 1) & (adopted_by == 'consensus')",
            "approved without a vote at the one reconvened session",
            True,
        ),
        Negotiation(
            "bbnj",
            "BBNJ conference",
            ("scenario=bbnj",),
            "configs/patterns/bbnj.yaml",
            "adopted & (extensions_used == 2) & (adopted_by == 'consensus')",
            "agreed by consensus at the resumed fifth session (second extension)",
            True,
        ),
        Negotiation(
            "plastics_inc",
            "Plastics INC",
            ("scenario=plastics_inc",),
            "configs/patterns/plastics_inc.yaml",
            "~adopted",
            "no agreement in the planned sessions nor at the resumed one",
            False,
        ),
    )
}


# The keys a negotiation brings as its own facts (docs/scenarios.md); every other input -
# behaviour, the chair's decision and process parameters, the delegations' resources,
# the ratification behaviour, stakeholders' capacities, funding, channels - is held at the
# joint calibration (shared by the three negotiations), and the process budget per planned
# session is the calibrated one.
FACTS: dict[str, set[str]] = {
    "scenario": {"name", "issues", "calendar", "blocs", "stakeholders"},
    "decision": {"rule", "max_extensions", "vote_threshold"},
    "ratification": {
        "treaty",
        "threshold",
        "days_after_threshold",
        "opening_delay_days",
        "signature_closes_day",
        "accession_opens_day",
        "signatures",
        "events",
        "report_months",
    },
    "process": {"informal_from_meeting"},
    "cost": {"process_budget_usd"},
    "channels": {"amendment_votes"},
    "scenario.delegations": {"table", "include"},
    "process.compression": {
        "text_days"
    },  # the work its own text needs (calibrated per negotiation)
}
BUDGET_TOLERANCE = 2e-3  # the derived budget is written to 3 significant figures


def _flat(node: object, prefix: str) -> dict[str, object]:
    """A dataclass or mapping as dotted keys, the facts of its level left out."""
    items = dataclasses.asdict(node) if dataclasses.is_dataclass(node) else dict(node)
    return {f"{prefix}.{k}": v for k, v in items.items() if k not in FACTS.get(prefix, set())}


def held_fixed_differences(cfg: SimConfig, reference: SimConfig | None = None) -> list[str]:
    """The held-fixed keys where `cfg` differs from the calibrated committee (or `reference`).

    Empty for a scenario fit for the out-of-sample test: only its facts (`FACTS`) differ.
    """
    if reference is None:
        from sim.config.compose import compose_config

        reference = compose_config([])
    differ = []
    for group in ("behaviour", "funding", "measures"):
        differ += [group] if getattr(cfg, group) != getattr(reference, group) else []
    for group in ("decision", "ratification", "process", "cost", "channels"):
        mine, theirs = _flat(getattr(cfg, group), group), _flat(getattr(reference, group), group)
        differ += sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    key = "process.compression"
    mine, theirs = _flat(cfg.process.compression, key), _flat(reference.process.compression, key)
    differ = [k for k in differ if k != key]
    differ += sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    key = "scenario.delegations"
    mine, theirs = _flat(cfg.scenario.delegations, key), _flat(reference.scenario.delegations, key)
    differ += sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    for kind, spec in cfg.scenario.stakeholders.items():
        other = reference.scenario.stakeholders.get(kind)
        if other is not None and spec.capacity_mean != other.capacity_mean:
            differ.append(f"scenario.stakeholders.{kind}.capacity_mean")
    per_meeting = reference.cost.process_budget_usd / reference.scenario.calendar.meetings
    expected = per_meeting * cfg.scenario.calendar.meetings
    if abs(cfg.cost.process_budget_usd - expected) > BUDGET_TOLERANCE * expected:
        differ.append("cost.process_budget_usd per planned meeting")
    return differ


def compose_negotiation(name: str, replications: int, seed: int, *extra: str) -> SimConfig:
    """The negotiation's configuration: its own facts, the calibrated behaviour.

    `extra` overrides follow the negotiation's own (a diagnostic arm, e.g. another rule).
    """
    from sim.config.compose import compose_config

    return compose_config(
        [
            *NEGOTIATIONS[name].overrides,
            *extra,
            f"seed={seed}",
            f"replications={replications}",
            "progress=false",
            "measures.rush_cost=false",
            # independent draws per negotiation, as when the test was pre-registered
            "crn=false",
        ]
    )


def _runs(configs: dict[str, SimConfig], name: str) -> pd.DataFrame:
    from sim.run.replications import run_replications

    return run_replications(configs[name], with_delegations=False).runs


def run_arms(configs: dict[str, SimConfig], workers: int = 0) -> dict[str, pd.DataFrame]:
    """Each configuration's runs table, in process (no folder), on the local engine."""
    from sim.run.engines import make_engine

    engine = make_engine("local", min(len(configs), workers or os.cpu_count() or 1))
    tasks = list(enumerate(configs))
    found = dict(engine.run(_runs, configs, tasks))
    return {name: found[i] for i, name in tasks}


def run_negotiations(
    replications: int = 30, seed: int = 1, workers: int = 0, names: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Each negotiation's runs table (all of `NEGOTIATIONS` unless `names`)."""
    configs = {n: compose_negotiation(n, replications, seed) for n in names or NEGOTIATIONS}
    return run_arms(configs, workers)


def _per_run(target: Target, runs: pd.DataFrame) -> float:
    """The share of single runs meeting a target (NaN when a run cannot be judged).

    A share-of-runs target is its own statistic; a mean target is judged run by run
    against its numeric bounds and, for `*_mean` bounds, against the other expression's
    value in the same run.
    """
    raw = evaluate(runs, target.expression)
    if target.statistic == "share_of_runs":
        return float(raw.fillna(False).astype(bool).mean())
    value = pd.to_numeric(raw, errors="coerce")
    ok = pd.Series(True, index=runs.index)
    for kind, bound in target.bounds:
        if kind in ("at_least", "at_most"):
            ok &= value >= bound if kind == "at_least" else value <= bound
            continue
        for expression in bound:
            other = pd.to_numeric(evaluate(runs, expression), errors="coerce")
            ok &= {
                "above_mean": value > other,
                "below_mean": value < other,
                "at_least_mean": value >= other,
                "at_most_mean": value <= other,
            }[kind]
    judged = value.notna()
    return float(ok[judged].mean()) if judged.any() else float("nan")


def score_table(runs_by: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per scored target: its statistic, whether met, the share of runs meeting it."""
    rows = []
    for name, runs in runs_by.items():
        table: PatternTable = load_patterns(ROOT / NEGOTIATIONS[name].patterns)
        scores = score(table, runs)
        for pattern in table.scored:
            for j, target in enumerate(pattern.targets):
                rows.append(
                    {
                        "negotiation": name,
                        "pattern": pattern.id,
                        "kind": pattern.kind,
                        "target": target.describe(),
                        "statistic": scores[f"{pattern.id}.{j}"],
                        "target_met": bool(scores[f"{pattern.id}.{j}.shortfall"] == 0),
                        "pattern_met": bool(scores[pattern.id]),
                        "share_of_runs_meeting": _per_run(target, runs),
                        "description": pattern.pattern,
                    }
                )
    return pd.DataFrame(rows)


def outcome_table(runs_by: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per negotiation: the share of runs reproducing its record's outcome, and how runs end."""
    from sim.analysis.stats import wilson_interval

    rows = []
    for name, runs in runs_by.items():
        spec = NEGOTIATIONS[name]
        hits = evaluate(runs, spec.record).fillna(False).astype(bool)
        interval = wilson_interval(int(hits.sum()), len(hits))
        ends = runs.assign(
            how=np.where(
                runs["adopted"],
                runs["adopted_by"].astype(str)
                + " at extension "
                + runs["extensions_used"].astype(str),
                "not adopted",
            )
        )["how"].value_counts()
        rows.append(
            {
                "negotiation": name,
                "record": spec.record_text,
                "runs": len(runs),
                "share_reproducing_record": interval.estimate,
                "ci_low": interval.low,
                "ci_high": interval.high,
                "how_runs_end": "; ".join(f"{k}: {v}" for k, v in ends.items()),
            }
        )
    return pd.DataFrame(rows)


def ratification_comparison(
    faster: pd.DataFrame, slower: pd.DataFrame, months: int = 22
) -> dict[str, float]:
    """Parties `months` after each text, and one-sided tests that `faster` has more."""
    from scipy import stats

    column = f"parties_after_{months}_months"
    a = pd.to_numeric(faster[column], errors="coerce").dropna().to_numpy(dtype=float)
    b = pd.to_numeric(slower[column], errors="coerce").dropna().to_numpy(dtype=float)
    if np.ptp(a) == 0 and np.ptp(b) == 0:  # no sampling variation: all runs or none
        welch = mwu = 0.0 if a[0] > b[0] else 1.0
    else:
        with warnings.catch_warnings():  # one arm constant: scipy warns, the test stands
            warnings.filterwarnings("ignore", "Precision loss", RuntimeWarning)
            welch = float(stats.ttest_ind(a, b, equal_var=False, alternative="greater").pvalue)
        mwu = float(stats.mannwhitneyu(a, b, alternative="greater").pvalue)
    return {
        "months": months,
        "faster_mean": float(a.mean()),
        "slower_mean": float(b.mean()),
        "faster_runs": len(a),
        "slower_runs": len(b),
        "welch_p": welch,
        "mannwhitney_p": mwu,
    }
