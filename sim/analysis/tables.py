"""A comparison as tables: CSV at full precision, Markdown and LaTeX (booktabs), rounded."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.analysis.compare import Comparison
from sim.analysis.designs import metric_label
from sim.store import write_bytes

DASH, MINUS, INF = "\u2013", "\u2212", "\u221e"  # typographic dash, minus, infinity

__all__ = [
    "format_number",
    "markdown_table",
    "pairwise_cells",
    "summary_cells",
    "to_latex",
    "to_markdown",
    "write_comparison",
]


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
            f"A {MINUS} B [95% interval]": [
                _difference(v, lo, hi)
                for v, lo, hi in zip(p["difference"], p["diff_low"], p["diff_high"], strict=True)
            ],
            "test": p["test"],
            "p (Holm)": [_format_p(v) for v in p["p_holm"]],
            "effect": [
                f"{e} {format_number(v, 2)}"
                for e, v in zip(p["effect"], p["effect_size"], strict=True)
            ],
        }
    )


def _difference(value: float, low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return format_number(value)
    return f"{format_number(value)} [{format_number(low)}, {format_number(high)}]"


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
            f"Tests and intervals: {comparison.pairing}.\n",
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
        lines += [f"% Tests and intervals: {comparison.pairing}."]
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
