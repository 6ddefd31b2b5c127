"""The ratification record as data, and the model's parties by month against it.

Why: patterns P9 (the Convention) and B5-B6 (BBNJ) score two or three numbers; whether
one behaviour gives both treaties' slow start and BBNJ's fast finish is read off the
whole series. The record (`sim/data/ratification_record.csv`: treaty, scenario, date,
days and months after the model's adoption, parties, whether the count is exact or an
upper bound, signatories, what happened, source) is set against the band of the runs'
parties by month (`ratification.parquet`: mean and 10-90%), at the record's dates by
linear interpolation between month ends.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.ratification import DAYS_PER_MONTH

__all__ = [
    "RECORD_PATH",
    "TREATY_LABELS",
    "band",
    "load_record",
    "parties_at",
    "series_table",
]

RECORD_PATH = Path(__file__).resolve().parents[1] / "data" / "ratification_record.csv"
TREATY_LABELS = {
    "ahc_cybercrime": "UN Convention against Cybercrime",
    "bbnj": "BBNJ Agreement",
}
"""The scenarios whose treaty has a record, by the `scenario` column of the runs."""
QUANTILES = (0.1, 0.9)


def load_record(path: Path | str = RECORD_PATH) -> pd.DataFrame:
    """The record's dated counts (one row per date and treaty), typed."""
    record = pd.read_csv(path, parse_dates=["date"])
    for column in ("day", "parties", "signatories"):
        record[column] = pd.array(record[column], dtype="Int64")
    missing = set(record["bound"]) - {"exact", "at_most"}
    if missing:
        raise ValueError(f"{path}: bound must be exact or at_most, not {sorted(missing)}")
    return record


def band(table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and month: mean parties, 10% and 90% quantiles, and the runs behind them.

    `table` is a ratification table (scenario, config_id, replication, month, parties);
    every run of a scenario counts once, whatever its configuration.
    """
    frame = table.assign(parties=pd.to_numeric(table["parties"]).astype(float))
    grouped = frame.groupby(["scenario", "month"])["parties"]
    out = grouped.agg(
        mean="mean",
        p10=lambda v: v.quantile(QUANTILES[0]),
        p90=lambda v: v.quantile(QUANTILES[1]),
        runs="size",
    )
    return out.reset_index()


def parties_at(table: pd.DataFrame, days: float) -> pd.Series:
    """Each run's parties `days` after adoption, linear between the month ends around it."""
    month = days / DAYS_PER_MONTH
    below, share = int(np.floor(month)), month - np.floor(month)
    keys = [c for c in ("scenario", "config_id", "replication") if c in table.columns]
    wide = table.pivot_table(index=keys, columns="month", values="parties", aggfunc="first")
    wide = wide.astype(float)
    last = wide.columns.max()
    low = wide[min(below, last)]
    high = wide[min(below + 1, last)]
    return low + share * (high - low)


def series_table(table: pd.DataFrame, record: pd.DataFrame | None = None) -> pd.DataFrame:
    """At each of the record's dates with a count: the model's mean and 10-90% against it."""
    record = load_record() if record is None else record
    rows = []
    for _, point in record.dropna(subset=["parties"]).iterrows():
        if point["day"] == 0:
            continue
        part = table[table["scenario"] == point["scenario"]]
        if part.empty:
            continue
        values = parties_at(part, float(point["day"]))
        bound = point["bound"]
        target = int(point["parties"])
        low, high = values.quantile(QUANTILES[0]), values.quantile(QUANTILES[1])
        rows.append(
            {
                "scenario": point["scenario"],
                "date": point["date"].date().isoformat(),
                "months": float(point["months"]),
                "record": ("<= " if bound == "at_most" else "") + str(target),
                "model_mean": float(values.mean()),
                "model_p10": float(low),
                "model_p90": float(high),
                # an upper bound is met by the band's lower end; a count lies within it
                "record_in_band": bool(
                    low <= target if bound == "at_most" else low <= target <= high
                ),
                # where the record falls among the runs (for a bound: the share meeting it)
                "runs_at_or_below_record": float((values <= target).mean()),
                "runs": len(values),
            }
        )
    return pd.DataFrame(rows)
