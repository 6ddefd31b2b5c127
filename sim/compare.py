"""Compare process designs in a results folder: means, intervals, pairwise tests.

    python -m sim.compare RESULTS_DIR --by process [--metrics adopted attendance_rate_LIC]
                          [--where funding=none] [--nonparametric] [--out DIR]

Designs are the combinations of the ``--by`` columns (any configuration column:
process, funding, decision, meeting_usd, or a swept key such as
``behaviour.confidence``). For each design and metric: n, the mean (or proportion)
and its 95% interval (t for means, Wilson for proportions). For each pair of designs
and each metric: Welch's t-test with Hedges' g (``--nonparametric``: Mann-Whitney U
with the rank-biserial r), or for a proportion Fisher's exact test with the
difference in proportions and Cohen's h; p-values are Holm-corrected within each
metric (the family is all pairs of designs on that metric). Besides the runs
columns, the derived booleans ``adopted_by_consensus``, ``adopted_by_vote`` and
``entered_into_force`` can be compared.

Written to ``RESULTS_DIR/comparison/`` (or ``--out``): ``compare_<by>_summary.csv``,
``compare_<by>_pairwise.csv`` (full precision), ``compare_<by>.md`` and
``compare_<by>.tex`` (booktabs tables, rounded).
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.errors import ArgumentParser, IncompleteResultsError, fail
from sim.figures.stats import holm, is_proportion, pair_test
from sim.figures.tables import (
    add_derived,
    design_frame,
    metric_label,
    resolve_by,
    summary_table,
)
from sim.store import load_checked, write_bytes

__all__ = [
    "DEFAULT_METRICS",
    "Comparison",
    "compare",
    "filter_runs",
    "format_number",
    "main",
    "markdown_table",
    "to_latex",
    "to_markdown",
    "write_comparison",
]

DEFAULT_METRICS = (
    "adopted",
    "adopted_by_consensus",
    "adoption_meeting",
    "attendance_rate_LIC",
    "informal_coverage_LIC",
    "voice_share_LIC",
    "representation_LIC",
    "text_distance_gap",
    "rush_cost",
    "holdout_pull",
    "stakeholder_influence_share",
    "closed_door_share",
    "influence_gini",
)
"""Consensus outcomes and the headline inclusiveness measures."""


DASH, MINUS, INF = "\u2013", "\u2212", "\u221e"  # typographic dash, minus, infinity


@dataclass(frozen=True)
class Comparison:
    """Per-design summaries and pairwise tests (full precision, tidy)."""

    by: tuple[str, ...]
    designs: tuple[str, ...]
    summary: pd.DataFrame  # design, <by>, metric, n, mean, ci_low, ci_high, sd, interval
    pairwise: pd.DataFrame  # metric, design_a, design_b, ..., p, p_holm, effect, effect_size


def filter_runs(runs: pd.DataFrame, where: Sequence[str] = ()) -> pd.DataFrame:
    """Keep the rows where every ``column=value`` holds (values compared as text)."""
    for clause in where:
        column, sep, value = clause.partition("=")
        if not sep:
            raise ValueError(f"--where {clause!r}: expected column=value")
        if column not in runs.columns:
            raise KeyError(f"--where {clause!r}: no column {column!r} in the runs table")
        text = runs[column].astype(str)
        numeric = pd.to_numeric(runs[column], errors="coerce")
        try:
            mask = (text == value) | (numeric == float(value))
        except ValueError:
            mask = text == value
        if not mask.any():
            values = ", ".join(sorted(text.unique())[:12])
            raise ValueError(f"--where {clause!r}: no run has it ({column} takes {values})")
        runs = runs[mask]
    return runs


def _check_metrics(runs: pd.DataFrame, metrics: Sequence[str]) -> None:
    for metric in metrics:
        if metric not in runs.columns:
            close = difflib.get_close_matches(metric, list(runs.columns), n=4, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no metric column {metric!r} in the runs table{hint}")
        series = runs[metric]
        if not (pd.api.types.is_numeric_dtype(series) or is_proportion(series)):
            raise ValueError(f"metric {metric!r} is not numeric or boolean ({series.dtype})")


def compare(
    runs: pd.DataFrame,
    by: str | Sequence[str],
    metrics: Sequence[str] | None = None,
    nonparametric: bool = False,
) -> Comparison:
    """Summaries and Holm-corrected pairwise tests of the designs formed by ``by``."""
    if runs.empty:
        raise ValueError("the runs table is empty: nothing to compare")
    runs = add_derived(runs)
    by = resolve_by(runs, by)
    if metrics is None:  # the defaults this table has (a single run may lack some)
        metrics = [m for m in DEFAULT_METRICS if m in runs.columns]
    _check_metrics(runs, metrics)
    framed, designs = design_frame(runs, by)
    summary = summary_table(runs, by, metrics)
    rows = []
    for metric in metrics:
        proportion = is_proportion(framed[metric])
        values = {d: g[metric] for d, g in framed.groupby("design", sort=False)}
        for a, b in itertools.combinations(designs, 2):
            test = pair_test(
                values[a], values[b], nonparametric=nonparametric, proportion=proportion
            )
            rows.append({"metric": metric, "design_a": a, "design_b": b, **vars(test)})
    pairwise = pd.DataFrame(rows)
    if not pairwise.empty:
        pairwise["p_holm"] = pd.concat(
            [pd.Series(holm(g["p"]), index=g.index) for _, g in pairwise.groupby("metric")]
        ).sort_index()
        order = [c for c in pairwise.columns if c not in ("p_holm", "effect", "effect_size")]
        pairwise = pairwise[[*order, "p_holm", "effect", "effect_size"]]
    return Comparison(tuple(by), tuple(designs), summary, pairwise)


def format_number(value: float, digits: int | None = None) -> str:
    """A number for a table: ~3 significant figures, thousands separated, NaN as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    value = float(value)
    if math.isinf(value):
        return INF if value > 0 else MINUS + INF
    if digits is None:
        digits = _digits(value)
    return f"{value:,.{digits}f}".replace("-", MINUS)


def _digits(value: float) -> int:
    size = abs(value)
    if size == 0 or size >= 100:
        return 0 if size >= 100 else 2
    return min(4, max(0, 2 - math.floor(math.log10(size))))


def _format_p(p: float) -> str:
    if p is None or math.isnan(p):
        return DASH
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def summary_cells(comparison: Comparison, with_n: bool = False) -> pd.DataFrame:
    """Rows: metrics; columns: designs (``with_n``: "design (n=...)"); cells: "mean [low, high]"."""
    table = comparison.summary
    out = {}
    for metric, part in table.groupby("metric", sort=False):
        cells = {}
        for _, row in part.iterrows():
            digits = _digits(row["mean"]) if math.isfinite(row["mean"]) else 2
            if math.isfinite(row["ci_low"]):
                digits = max(digits, _digits(row["ci_high"] - row["ci_low"]) - 1)
            mean = format_number(row["mean"], digits)
            low, high = (format_number(row[k], digits) for k in ("ci_low", "ci_high"))
            if not math.isfinite(row["mean"]):
                cells[row["design"]] = DASH  # no run has a value (e.g. no informal room)
            elif not math.isfinite(row["ci_low"]):
                cells[row["design"]] = mean  # a single run: no interval
            else:
                cells[row["design"]] = f"{mean} [{low}, {high}]"
        out[metric_label(metric)] = cells
    frame = pd.DataFrame(out).T.reindex(columns=list(comparison.designs))
    frame.index.name = "metric"
    if with_n:
        frame.columns = _design_headers(comparison)
    return frame


def pairwise_cells(comparison: Comparison) -> pd.DataFrame:
    """The pairwise tests as rounded text: one row per metric and pair of designs."""
    p = comparison.pairwise
    if p.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "metric": [metric_label(m) for m in p["metric"]],
            "design A": p["design_a"],
            "design B": p["design_b"],
            f"A {MINUS} B": [format_number(v) for v in p["difference"]],
            "test": p["test"],
            "p (Holm)": [_format_p(v) for v in p["p_holm"]],
            "effect": [
                f"{e} {format_number(v, 2)}"
                for e, v in zip(p["effect"], p["effect_size"], strict=True)
            ],
        }
    )


def _design_headers(comparison: Comparison) -> list[str]:
    counts = comparison.summary.groupby("design", sort=False)["n"].max()
    return [f"{d} (n={counts.get(d, 0)})" for d in comparison.designs]


def markdown_table(frame: pd.DataFrame, index: bool = False) -> str:
    """A frame as a Markdown pipe table (cells as they are: format numbers first)."""
    cols = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for key, row in frame.iterrows():
        cells = ([str(key)] if index else []) + [str(v).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def to_markdown(comparison: Comparison, note: str = "") -> str:
    """Both tables as Markdown (pipe tables); `note` (partial results) goes first."""
    summary = summary_cells(comparison, with_n=True)
    by = ", ".join(comparison.by)
    parts = [
        *([f"> **Warning.** {note}\n"] if note else []),
        f"## Designs by {by}: mean [95% interval]\n",
        "Means with t intervals; proportions with Wilson intervals.\n",
        markdown_table(summary, index=True),
    ]
    pairs = pairwise_cells(comparison)
    if not pairs.empty:
        parts += [
            "\n## Pairwise tests (Holm-corrected within each metric)\n",
            markdown_table(pairs, index=False),
        ]
    return "\n".join(parts) + "\n"


_LATEX_ESCAPE = str.maketrans(
    {
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "\\": r"\textbackslash{}",
        MINUS: "$-$",
        DASH: "--",
        INF: r"$\infty$",
        "<": r"$<$",
    }
)


def _tex(text: object) -> str:
    return str(text).translate(_LATEX_ESCAPE)


def _tex_table(frame: pd.DataFrame, index: bool, align: str) -> list[str]:
    cols = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    lines = [rf"\begin{{tabular}}{{{align}}}", r"\toprule"]
    lines.append(" & ".join(_tex(c) for c in cols) + r" \\")
    lines.append(r"\midrule")
    for key, row in frame.iterrows():
        cells = ([key] if index else []) + list(row)
        lines.append(" & ".join(_tex(c) for c in cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return lines


def to_latex(comparison: Comparison, command: str = "", note: str = "") -> str:
    """Both tables as LaTeX ``tabular`` environments with booktabs rules."""
    summary = summary_cells(comparison, with_n=True)
    lines = [
        *([f"% WARNING. {note}"] if note else []),
        "% Requires \\usepackage{booktabs}.",
        *([f"% Made by: {command}"] if command else []),
        "% Designs by " + ", ".join(comparison.by) + ": mean [95% interval]"
        " (t intervals; Wilson for proportions).",
        *_tex_table(summary, index=True, align="l" + "c" * summary.shape[1]),
    ]
    pairs = pairwise_cells(comparison)
    if not pairs.empty:
        lines += ["", "% Pairwise tests, p-values Holm-corrected within each metric."]
        lines += _tex_table(pairs, index=False, align="lllrlrl")
    return "\n".join(lines) + "\n"


def write_comparison(
    comparison: Comparison, out_dir: Path | str, command: str = "", note: str = ""
) -> dict[str, Path]:
    """Write the CSV, Markdown and LaTeX tables; returns their paths by kind.

    `note` (partial results) heads the Markdown and LaTeX files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = "compare_" + "_".join(c.replace(".", "-") for c in comparison.by)
    paths = {
        "summary_csv": out / f"{stem}_summary.csv",
        "pairwise_csv": out / f"{stem}_pairwise.csv",
        "markdown": out / f"{stem}.md",
        "latex": out / f"{stem}.tex",
    }
    write_bytes(comparison.summary.to_csv(index=False, lineterminator="\n"), paths["summary_csv"])
    write_bytes(comparison.pairwise.to_csv(index=False, lineterminator="\n"), paths["pairwise_csv"])
    write_bytes(to_markdown(comparison, note), paths["markdown"])
    write_bytes(to_latex(comparison, command, note), paths["latex"])
    return paths


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="python -m sim.compare",
        description="Compare process designs in a results folder (run or sweep).",
    )
    parser.add_argument("results_dir", type=Path, help="a run or sweep results folder")
    parser.add_argument(
        "--by",
        nargs="+",
        required=True,
        help="configuration column(s) that define a design (process, funding, decision, ...)",
    )
    parser.add_argument(
        "--metrics", nargs="+", help=f"metric columns (default: {' '.join(DEFAULT_METRICS)})"
    )
    parser.add_argument(
        "--where", nargs="+", default=[], metavar="COLUMN=VALUE", help="keep only these runs"
    )
    parser.add_argument(
        "--nonparametric",
        action="store_true",
        help="Mann-Whitney U instead of Welch's t for continuous metrics",
    )
    parser.add_argument("--out", type=Path, help="output folder (default: RESULTS_DIR/comparison)")
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="compare a sweep with missing or failed jobs (the output says so)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    folder: Path = args.results_dir
    if not folder.is_dir():
        parser.error(f"results folder {folder} does not exist")
    try:
        runs, state = load_checked(folder, allow_partial=args.allow_partial)
        runs = filter_runs(runs, args.where)
        comparison = compare(runs, args.by, args.metrics, args.nonparametric)
    except IncompleteResultsError as err:
        fail(err)
    except (FileNotFoundError, KeyError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        parser.error(f"{folder}: {message}")
    command = "python -m sim.compare " + " ".join(sys.argv[1:] if argv is None else argv)
    note = state.banner()
    if note:
        sys.stderr.write(f"sim.compare: warning: {state.summary()}\n")
    paths = write_comparison(comparison, args.out or folder / "comparison", command, note)
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
