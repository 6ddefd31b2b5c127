"""From a runs table to designs: which columns name a design, labels, per-design summaries.

A *design* is a combination of configuration values (process, funding, decision,
costs, or any key a sweep varied, e.g. ``behaviour.confidence``). Figures and the
comparison group runs by one or several of these columns; by default by every
configuration column that takes more than one value in the table.

Readable names live here, in one place, so every figure, table and report speaks the
same words (``two_tier`` -> "Two-tier", ``attendance_rate_LIC`` -> "Attendance rate,
low-income states").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.stats import Interval, is_proportion, summarise
from sim.config.names import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.model.outcomes import describe

__all__ = [
    "CONFIG_COLUMNS",
    "DERIVED",
    "GROUP_NAMES",
    "INCOME_GROUPS",
    "REGIONS",
    "STAKEHOLDER_KINDS",
    "add_derived",
    "config_columns",
    "design_frame",
    "format_value",
    "lower_is_better",
    "metric_label",
    "option_label",
    "parameter_label",
    "resolve_by",
    "summary_table",
    "varying_columns",
]


CONFIG_COLUMNS = (
    "scenario",
    "process",
    "funding",
    "decision",
    "meeting_usd",
    "delegate_day_usd",
    "process_budget_usd",
)
"""Configuration columns every runs table carries (see README, "Reading runs.parquet")."""

# Natural order of the shipped options (the order of configs/sweep/designs.yaml).
_OPTION_ORDER = {
    "process": (
        "open_plenary",
        "two_tier",
        "two_tier_observers",
        "single_informal_room",
        "friends_of_chair",
    ),
    "funding": ("none", "trust_fund", "hybrid", "cost_sharing"),
    "decision": ("consensus_then_vote", "consensus_only", "two_thirds_vote"),
}

_OPTION_LABELS = {
    "open_plenary": "Open plenary",
    "two_tier": "Two-tier",
    "two_tier_observers": "Two-tier + observers",
    "single_informal_room": "One informal room",
    "friends_of_chair": "Friends of the chair",
    "none": "No support",
    "trust_fund": "Trust fund",
    "hybrid": "Hybrid",
    "cost_sharing": "Cost sharing",
    "consensus_then_vote": "Consensus, then vote",
    "consensus_only": "Consensus only",
    "two_thirds_vote": "Two-thirds vote",
    "ahc_cybercrime": "AHC cybercrime",
    "small": "Small",
}

GROUP_NAMES = {
    "HIC": "high-income states",
    "UMIC": "upper-middle-income states",
    "LMIC": "lower-middle-income states",
    "LIC": "low-income states",
    "AFR": "African",
    "APG": "Asia-Pacific",
    "EEG": "Eastern European",
    "GRULAC": "Latin America & Caribbean",
    "WEOG": "Western Europe & others",
    "civil_society": "civil society",
    "industry": "industry",
    "un_agency": "UN agencies",
    "academia": "academia",
    "median_state": "median state",
}

_OTHER_LABELS = {
    "adopted_by_consensus": "Adoption by consensus",
    "adopted_by_vote": "Adoption by vote",
    "entered_into_force": "Entered into force",
    "meeting_usd": "Meeting cost (USD)",
    "delegate_day_usd": "Delegate-day cost (USD)",
    "process_budget_usd": "Process budget (USD)",
}
"""Labels of the derived metrics and the configuration columns (outcomes have their own)."""

DERIVED = {
    "adopted_by_consensus": "adopted_by == 'consensus'",
    "adopted_by_vote": "adopted_by == 'vote'",
    "entered_into_force": "entry_into_force_day is not null",
}
"""Boolean metrics computed from the runs table by :func:`add_derived`."""


def add_derived(runs: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``runs`` with the :data:`DERIVED` boolean metrics added."""
    out = runs.copy()
    if "adopted_by" in out:
        out["adopted_by_consensus"] = (out["adopted_by"] == "consensus").astype(bool)
        out["adopted_by_vote"] = (out["adopted_by"] == "vote").astype(bool)
    if "entry_into_force_day" in out:
        out["entered_into_force"] = out["entry_into_force_day"].notna().astype(bool)
    return out


def config_columns(runs: pd.DataFrame) -> list[str]:
    """Columns that name a configuration: the standard ones and any swept key (``a.b``).

    A swept key that only repeats a standard column (``cost.meeting_usd`` is
    ``meeting_usd``) is left out.
    """
    dotted = [
        c
        for c in runs.columns
        if "." in c and c.rsplit(".", 1)[-1] not in CONFIG_COLUMNS  # cost.meeting_usd: a copy
    ]
    return [c for c in CONFIG_COLUMNS if c in runs.columns] + dotted


def varying_columns(runs: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """The configuration columns that take more than one value in ``runs``."""
    out = []
    for column in config_columns(runs):
        if column in exclude:
            continue
        if runs[column].astype(str).nunique(dropna=False) > 1:
            out.append(column)
    return out


def resolve_by(
    runs: pd.DataFrame, by: str | Sequence[str] | None, exclude: Sequence[str] = ()
) -> list[str]:
    """The grouping columns: ``by`` as a list (checked), or the varying config columns."""
    if by is None:
        columns = varying_columns(runs, exclude)
        return columns or [c for c in ("process",) if c in runs.columns]
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        known = ", ".join(config_columns(runs)) or "none"
        raise KeyError(f"no column {missing} in the runs table (configuration columns: {known})")
    return columns


def option_label(value: object) -> str:
    """A readable name for a configuration option (``two_tier`` -> "Two-tier")."""
    return _OPTION_LABELS.get(str(value), str(value).replace("_", " "))


def format_value(column: str, value: object) -> str:
    """One configuration value as text in a design label."""
    if isinstance(value, bool | np.bool_) or column in _OPTION_ORDER or isinstance(value, str):
        return option_label(value)
    if isinstance(value, int | float | np.number) and math.isfinite(float(value)):
        number = float(value)
        if column.endswith("usd"):
            for size, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
                if abs(number) >= size:
                    return f"${number / size:g}{unit}"
            return f"${number:g}"
        return f"{column.rsplit('.', 1)[-1].replace('_', ' ')} {number:g}"
    return str(value)


def parameter_label(key: str) -> str:
    """A readable label for a configuration key, from its own words.

    `behaviour.pressure_gain` -> "Pressure gain"; `cost.process_budget_usd` -> "Process
    budget (USD)"; `scenario.delegations.budget_usd.LIC` -> "Budget, low-income states
    (USD)"; a scenario bloc's key names its bloc ("Sovereignty bloc: centre safeguards").
    """
    parts = key.split(".")
    if "blocs" in parts[:-1]:
        at = parts.index("blocs")
        return f"{parts[at + 1].capitalize()} bloc: " + " ".join(parts[at + 2 :]).replace("_", " ")
    member = parts[-1] if parts[-1] in GROUP_NAMES else None
    words = parts[-2] if member and len(parts) > 1 else parts[-1]
    unit = " (USD)" if words.endswith("_usd") else ""
    text = words.removesuffix("_usd").replace("_", " ")
    text = text[:1].upper() + text[1:]
    return f"{text}, {GROUP_NAMES[member]}{unit}" if member else f"{text}{unit}"


def metric_label(column: str, short: bool = False) -> str:
    """A readable axis label for a column; ``short`` keeps group codes (LIC, ...).

    Outcome columns take the label declared in `sim.model.outcomes`.
    """
    if column in _OTHER_LABELS:
        return _OTHER_LABELS[column]
    found = describe(column)
    if found is None:
        return column.replace("_", " ").capitalize()
    outcome, member = found
    name = member if short else GROUP_NAMES.get(member, member.replace("_", " "))
    return outcome.label.replace("{g}", name)


def lower_is_better(column: str) -> bool:
    """Whether a smaller value of the column is the better (the more inclusive) one."""
    found = describe(column)
    return found is not None and found[0].higher_is_better is False


def _sort_key(column: str, values: pd.Series) -> pd.Series:
    order = _OPTION_ORDER.get(column)
    if order is not None:
        rank = {v: i for i, v in enumerate(order)}
        return values.map(lambda v: (rank.get(v, len(order)), str(v)))
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values
    return values.astype(str)


def _join(parts) -> str:
    """Join label parts: later parts lower-cased unless they are acronyms or amounts."""
    parts = list(parts)
    rest = [p[0].lower() + p[1:] if p[:2].istitle() else p for p in parts[1:]]
    return ", ".join(parts[:1] + rest)


def design_frame(runs: pd.DataFrame, by: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """``runs`` with a ``design`` label column; returns it and the designs in order.

    Labels join the readable values of the ``by`` columns ("Two-tier, trust fund");
    designs are ordered by the shipped options' natural order, then numerically.
    """
    by = list(by)
    out = runs.copy()
    keys = out[by].drop_duplicates()
    for column in reversed(by):
        keys = keys.sort_values(column, key=lambda s, c=column: _sort_key(c, s), kind="stable")
    labels = {
        tuple(row): _join(format_value(c, v) for c, v in zip(by, row, strict=True))
        for row in keys.itertuples(index=False, name=None)
    }
    out["design"] = [labels[tuple(r)] for r in out[by].itertuples(index=False, name=None)]
    return out, list(dict.fromkeys(labels.values()))


def _interval_row(iv: Interval) -> dict[str, object]:
    return {
        "n": iv.n,
        "mean": iv.estimate,
        "ci_low": iv.low,
        "ci_high": iv.high,
        "sd": iv.sd,
        "interval": "Wilson" if iv.kind == "proportion" else "t",
    }


def summary_table(
    runs: pd.DataFrame, by: Sequence[str], metrics: Sequence[str], extra: Sequence[str] = ()
) -> pd.DataFrame:
    """Per design (and per ``extra`` column) and metric: n, mean and 95% interval.

    Proportions (boolean metrics) get Wilson intervals, everything else t intervals;
    NaNs are dropped per metric, so ``n`` says how many runs each estimate uses.
    """
    framed, order = design_frame(runs, by)
    keys = ["design", *by, *extra]
    rows = []
    for metric in metrics:
        proportion = is_proportion(framed[metric])
        for key, group in framed.groupby(keys, sort=False, dropna=False):
            iv = summarise(group[metric], proportion=proportion)
            rows.append(
                {**dict(zip(keys, key, strict=True)), "metric": metric, **_interval_row(iv)}
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    rank = {d: i for i, d in enumerate(order)}
    table["_rank"] = table["design"].map(rank)
    sort = ["metric", "_rank", *extra] if extra else ["metric", "_rank"]
    metric_rank = {m: i for i, m in enumerate(metrics)}
    table["metric_rank"] = table["metric"].map(metric_rank)
    table = table.sort_values(["metric_rank", *sort[1:]], kind="stable")
    return table.drop(columns=["_rank", "metric_rank"]).reset_index(drop=True)
