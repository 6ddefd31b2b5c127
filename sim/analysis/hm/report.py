"""What a history matching leaves: the plausible set, per-pattern shares, ranges, the default.

Written into the calibration folder (docs/calibration.md describes each file):

- `points.parquet`: every run point of every wave - its parameters, each summary's
  statistic and sampling variance, the replications they rest on, implausibility,
  largest implausibility with its 95% band, and verdict (plausible, borderline or
  ruled out; `plausible` is the first);
- `nroy.parquet`: the final emulators' not-ruled-out candidates (parameter values);
- `patterns.{csv,md}`: per pattern, the share of the first wave's points (the prior)
  and of the plausible points that meet it as the table states it, and the smallest
  implausibility any point reached (a pattern no point comes within the cutoff of is
  one the mechanisms cannot make, given the discrepancy stated);
- `ranges.{csv,md}`: each parameter's prior and its range over the NROY candidates and
  over the plausible points;
- `default_point.yaml`: the plausible point with the smallest largest implausibility,
  with its provenance (the overrides the default scenario takes);
- `left_out.{csv,md}`: for each negotiation, its patterns met on the points the other
  two do not rule out (the out-of-sample test);
- `stability.{csv,md}`: each verdict against the verdict the same procedure reaches
  with another seed (a reversal is plausible on one draw and ruled out on the other).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.analysis.hm.implausibility import BORDERLINE, PLAUSIBLE, RULED_OUT
from sim.analysis.hm.match import Matched
from sim.analysis.hm.summaries import Summary
from sim.analysis.priors import plain
from sim.analysis.tables import format_number, markdown_table
from sim.store import write_parquet, write_text

__all__ = [
    "REPORTS",
    "default_point",
    "pattern_table",
    "range_table",
    "stability_table",
    "write_reports",
]

REPORTS = ("points.", "nroy.", "patterns.", "ranges.", "default_point.", "left_out.", "stability.")
"""The names (prefixes) of the files the reports write."""


def _met(table: pd.DataFrame, summaries: Sequence[Summary]) -> pd.Series:
    """Whether each point's statistics meet every target of `summaries` (as the table states)."""
    met = pd.Series(True, index=table.index)
    for s in summaries:
        met &= pd.Series(s.distance(table[s.key].to_numpy(dtype=float)) == 0, index=table.index)
        met &= table[s.key].notna()
    return met


def pattern_table(matched: Matched) -> pd.DataFrame:
    """Per pattern: shares of the prior's points and of the plausible points meeting it."""
    points = matched.points
    prior = points[points["wave"] == "wave_1"]
    plausible = points[points["plausible"]]
    rows = []
    by_pattern: dict[tuple[str, str], list[Summary]] = {}
    for s in matched.summaries:
        by_pattern.setdefault((s.negotiation, s.pattern), []).append(s)
    judged = {s.negotiation for s in matched.summaries if s.negotiation in matched.cfg.judged}
    last = matched.waves[-1].emulators
    for (negotiation, pattern), summaries in by_pattern.items():
        least = min(
            float(points[f"I:{s.key}"].min()) if f"I:{s.key}" in points else np.nan
            for s in summaries
        )
        scores = [
            last.get(s.key).score if last.get(s.key) is not None else np.nan for s in summaries
        ]
        rows.append(
            {
                "negotiation": negotiation,
                "pattern": pattern,
                "judged": negotiation in judged,
                "share_of_prior": float(_met(prior, summaries).mean()) if len(prior) else np.nan,
                "share_of_plausible": float(_met(plausible, summaries).mean())
                if len(plausible)
                else np.nan,
                "least_implausibility": least,
                "emulator_r2": float(np.nanmin(scores)) if np.isfinite(scores).any() else np.nan,
            }
        )
    return pd.DataFrame(rows)


def range_table(matched: Matched) -> pd.DataFrame:
    """Each parameter: prior, the NROY candidates' 5-95% and the plausible points' range."""
    space = matched.cfg.space()
    plausible = matched.points[matched.points["plausible"]]
    rows = []
    for key, rng in space.priors.items():
        nroy = matched.nroy[key] if len(matched.nroy) else pd.Series(dtype=float)
        width = rng.high - rng.low
        low5, high95 = (nroy.quantile(0.05), nroy.quantile(0.95)) if len(nroy) else (np.nan, np.nan)
        rows.append(
            {
                "parameter": key,
                "prior_low": rng.low,
                "prior_high": rng.high,
                "nroy_5": low5,
                "nroy_95": high95,
                "nroy_width_share": (high95 - low5) / width if width > 0 else np.nan,
                "plausible_min": plausible[key].min() if len(plausible) else np.nan,
                "plausible_max": plausible[key].max() if len(plausible) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def default_point(matched: Matched) -> dict[str, Any]:
    """The plausible point with the smallest largest implausibility (else the nearest point)."""
    points = matched.points
    pool = points[points["plausible"]]
    basis = "the plausible set"
    if pool.empty:
        pool, basis = points, "no plausible point: the point nearest to being one"
    columns = [
        c for c in points.columns if c.startswith("I:") and c[2:] in {s.key for s in matched.judged}
    ]
    mean_sq = (pool[columns].clip(upper=1e6) ** 2).mean(axis=1)
    best = pool.assign(_mean=mean_sq).sort_values(["max_I", "_mean"]).iloc[0]
    values = {k: plain(best[k]) for k in matched.cfg.space().priors}
    return {
        "point": int(best["point"]),
        "wave": str(best["wave"]),
        "max_implausibility": float(best["max_I"]),
        "max_implausibility_band": [float(best["max_I_low"]), float(best["max_I_high"])],
        "replications": int(best["replications"]),
        "basis": basis,
        "values": values,
    }


def _formatted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(lambda v: format_number(v) if isinstance(v, float) else v)


def _left_out_table(matched: Matched) -> pd.DataFrame:
    rows = []
    for name, table in matched.left_out.items():
        own = [s for s in matched.summaries if s.negotiation == name]
        allowed = table[table["pair_plausible"]]
        patterns = sorted({s.pattern for s in own}, key=lambda p: (len(p), p))
        row = {"left_out": name, "points_run": len(table), "pair_plausible": len(allowed)}
        for pattern in patterns:
            chosen = [s for s in own if s.pattern == pattern]
            row[pattern] = float(_met(allowed, chosen).mean()) if len(allowed) else np.nan
        row["all_patterns"] = float(_met(allowed, own).mean()) if len(allowed) else np.nan
        row["own_plausible"] = float(allowed["own_plausible"].mean()) if len(allowed) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def stability_table(stability: pd.DataFrame) -> pd.DataFrame:
    """Per verdict with the calibration's seed: how the other seed's verdicts fall."""
    order = [PLAUSIBLE, BORDERLINE, RULED_OUT]
    rows = []
    for verdict in order:
        group = stability[stability["verdict"] == verdict]
        if group.empty:
            continue
        again = group["verdict_again"]
        rows.append(
            {
                "verdict": verdict,
                "points": len(group),
                "replications_median": float(group["replications"].median()),
                **{f"again_{v.replace(' ', '_')}": int((again == v).sum()) for v in order},
                "same": float((again == verdict).mean()),
            }
        )
    return pd.DataFrame(rows)


def _reversals(stability: pd.DataFrame) -> int:
    """Points plausible with one seed and ruled out with the other."""
    pair = {PLAUSIBLE, RULED_OUT}
    return int(
        sum(
            {a, b} == pair
            for a, b in zip(stability["verdict"], stability["verdict_again"], strict=True)
        )
    )


def _stability_text(matched: Matched) -> str:
    s = matched.stability
    if s is None or s.empty:
        return "No stability re-runs (no point to re-run, or stability = 0).\n"
    table = stability_table(s)
    settled = s[s["verdict"] != BORDERLINE]
    kept = (settled["verdict"] == settled["verdict_again"]).mean() if len(settled) else np.nan
    return (
        "Each verdict (with its settling rounds) repeated with another seed.\n\n"
        + markdown_table(_formatted(table))
        + f"\n\nSettled verdicts kept: {kept:.1%} of {len(settled)}; "
        f"reversals (plausible on one seed, ruled out on the other): {_reversals(s)}.\n"
    )


def write_reports(matched: Matched, out: Path) -> dict[str, Any]:
    """Write every table of the folder; return the manifest's summary fields."""
    write_parquet(matched.points, out / "points.parquet")
    write_parquet(matched.nroy, out / "nroy.parquet")
    patterns = pattern_table(matched)
    write_text(patterns.to_csv(index=False), out / "patterns.csv")
    write_text(markdown_table(_formatted(patterns)) + "\n", out / "patterns.md")
    ranges = range_table(matched)
    write_text(ranges.to_csv(index=False), out / "ranges.csv")
    write_text(markdown_table(_formatted(ranges)) + "\n", out / "ranges.md")
    point = default_point(matched)
    header = (
        f"# The point the default takes: point {point['point']} ({point['wave']}) of {out},\n"
        f"# {point['basis']}; largest implausibility {point['max_implausibility']:.3g}.\n"
    )
    write_text(header + yaml.safe_dump(point, sort_keys=False), out / "default_point.yaml")
    left = _left_out_table(matched)
    if len(left):
        write_text(left.to_csv(index=False), out / "left_out.csv")
        write_text(markdown_table(_formatted(left)) + "\n", out / "left_out.md")
    write_text(_stability_text(matched), out / "stability.md")
    if matched.stability is not None and len(matched.stability):
        write_text(stability_table(matched.stability).to_csv(index=False), out / "stability.csv")
    unreachable = sorted(
        {s.pattern for s in matched.summaries if s.key in set(matched.unreachable)}
    )
    return {
        "points_run": len(matched.points),
        "plausible": int(matched.points["plausible"].sum()),
        "verdicts": {
            v: int((matched.points["verdict"] == v).sum())
            for v in (PLAUSIBLE, BORDERLINE, RULED_OUT)
        },
        "stability_reversals": _reversals(matched.stability)
        if matched.stability is not None and len(matched.stability)
        else None,
        "nroy_share_by_wave": matched.nroy_share,
        "unreachable_patterns": unreachable,
        "unreachable_targets": list(matched.unreachable),
        "default_point": point["point"],
    }
