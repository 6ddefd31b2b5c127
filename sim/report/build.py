"""Turn a results folder into paper figures and one self-contained HTML report.

    python -m sim.report RESULTS_DIR [--out DIR] [--by COLUMN ...] [--metrics COLUMN ...]
                         [--run CONFIG_ID:REPLICATION] [--html]

Writes into ``RESULTS_DIR`` (or ``--out``):

- ``figures/<name>.{pdf,svg,png,csv}``: every figure at its paper size, with the
  exact data it plots (``--html`` adds a standalone interactive HTML per figure);
- ``comparison/compare_<by>*.{csv,md,tex}``: the design comparisons;
- ``report.html``: the figures (interactive, one inline plotly.js), the comparison
  tables, the configuration and the manifest, opening offline with no request;
- ``report.json``: what was made, from what, by which command and code version.

Designs: by default the configuration columns the folder varies; when their
combinations are too many to tell apart in one figure, one set of figures per
varying column (the others averaged over, as the captions say). A numeric column the
sweep varies (e.g. ``meeting_usd``) becomes the x axis of the cost figure.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.analysis.compare import Comparison, compare
from sim.analysis.designs import metric_label, varying_columns
from sim.analysis.tables import pairwise_cells, summary_cells, write_comparison
from sim.figures import designs as design_figures
from sim.figures import frontier, single_run
from sim.figures.export import PaperFigure, figure_export_session
from sim.report.captions import axis_note, name_pooled, sample_note, used_tests_note
from sim.report.configuration import config_section
from sim.report.html import Section, figure_html, json_html, page, table_html
from sim.report.ratification import CAPTION as RATIFICATION_CAPTION
from sim.report.ratification import ratification_paper
from sim.run.progress import progress_bar
from sim.store import environment_info, load_checked, load_manifest, utc_now, write_bytes

__all__ = ["DEFAULT_METRICS", "FigureEntry", "make_report", "plan_groupings"]

log = logging.getLogger(__name__)

DEFAULT_METRICS = ("attendance_rate_LIC", "informal_coverage_LIC", "voice_share_LIC")
"""Inclusiveness measures for the cost figure (each) and the frontier (the first)."""

_DEFAULT_DESIGN = {
    "process": "two_tier",
    "funding": "none",
    "decision": "consensus_then_vote",
    "meeting_usd": 1e6,
}


@dataclass(frozen=True)
class FigureEntry:
    """A figure of the report: file name, caption and the figure itself."""

    name: str
    caption: str
    paper: PaperFigure


def plan_groupings(runs: pd.DataFrame, by: Sequence[str] | None = None) -> list[list[str]]:
    """The sets of columns to group designs by, one set of figures each."""
    if by:
        return [list(by)]
    varying = varying_columns(runs)
    if not varying:
        return [["process"]]
    combos = len(runs[varying].drop_duplicates())
    if combos <= design_figures.MAX_DESIGNS // 2 + 1:  # 7: a readable legend
        return [varying]
    categorical = [c for c in varying if not pd.api.types.is_numeric_dtype(runs[c])]
    return [[c] for c in categorical] or [[varying[0]]]


def _cost_axis(runs: pd.DataFrame) -> str | None:
    numeric = [c for c in varying_columns(runs) if pd.api.types.is_numeric_dtype(runs[c])]
    preferred = [c for c in numeric if c == "meeting_usd"] + [
        c for c in numeric if c != "meeting_usd"
    ]
    return preferred[0] if preferred else None


def _design_figures(runs: pd.DataFrame, by: list[str], metrics: Sequence[str]) -> list[FigureEntry]:
    tag = "-".join(c.replace(".", "_") for c in by)
    pooled = " " + sample_note(runs, by)
    entries = []
    x = _cost_axis(runs)
    if x is not None:
        rest = [c for c in by if c != x]
        for metric in metrics:
            paper = design_figures.inclusiveness_vs_cost(runs, metric, x, rest or None)
            paper = name_pooled(paper, runs, [*(rest or by), x])
            caption = (
                f"{metric_label(metric)} against {metric_label(x).lower()}, one line per "
                f"design ({', '.join(rest) or 'the one design'}): the mean with its 95% t "
                f"interval (band). {sample_note(runs, rest or by, also=[x])}{axis_note(paper)}"
            )
            empty = paper.data.groupby("design")[metric].apply(lambda v: v.isna().all())
            if empty.any():
                caption += (
                    f" No line for {', '.join(empty[empty].index)}: no run has a value "
                    "(e.g. no informal room ever sat)."
                )
            rest_tag = "-".join(c.replace(".", "_") for c in rest) or "design"
            entries.append(FigureEntry(f"cost_{metric}_by_{rest_tag}", caption, paper))
    panels = (
        "(a) how the text was adopted, (b) meetings to adoption among adopted runs; every "
        "run was adopted, so the probability of adoption (1 for each design) is not drawn"
        if runs["adopted"].astype(bool).all()
        else "(a) probability of adoption, (b) how the text was adopted, (c) meetings to "
        "adoption among adopted runs"
    )
    entries += [
        FigureEntry(
            f"consensus_by_{tag}",
            f"Consensus outcomes by design: {panels}; 95% Wilson intervals for proportions, "
            f"t intervals for means.{pooled}",
            name_pooled(design_figures.consensus(runs, by), runs, by),
        ),
        FigureEntry(
            f"representation_by_{tag}",
            "Representation ratio (own voice share / population share) of each income "
            f"group by design; 1 (dotted) is a fair voice; 95% t intervals.{pooled}",
            name_pooled(design_figures.representation(runs, by), runs, by),
        ),
        FigureEntry(
            f"text_distance_by_{tag}",
            "How far the final text is from each group's members: the mean of their own "
            "salience-weighted distances from their original ideals (lower serves the "
            f"group better); 95% t intervals.{pooled}",
            name_pooled(design_figures.text_distance(runs, by), runs, by),
        ),
    ]
    # The first agreement measure that varies: adoption, by consensus, objectors.
    outcome = frontier.agreement_measure(runs)
    what, note = {
        "adopted": ("adoption", ""),
        "adopted_by_consensus": (
            "adoption by consensus",
            " Every run was adopted, so the y axis is adoption by consensus.",
        ),
        "objectors_at_decision": (
            "agreement (objectors at the final tabling, fewer is better)",
            " Every run was adopted by consensus, so the y axis is the number of objectors "
            "the text met.",
        ),
    }[outcome]
    entries.append(
        FigureEntry(
            f"frontier_{metrics[0]}_by_{tag}",
            f"Trade-off between {what} and {metric_label(metrics[0]).lower()}: one point "
            "per design with 95% intervals on both axes; filled markers (joined by a dotted "
            "line when there are two or more) are non-dominated (no design is better on "
            f"both).{note}{pooled}",
            name_pooled(frontier.frontier(runs, metrics[0], by, outcome=outcome), runs, by),
        )
    )
    return entries


def _representative(runs: pd.DataFrame, run: str | None) -> pd.Series:
    if run:
        config_id, _, rep = run.partition(":")
        hit = runs[(runs["config_id"] == config_id) & (runs["replication"] == int(rep or 0))]
        if hit.empty:
            raise KeyError(f"--run {run}: no such configuration and replication in the runs")
        return hit.iloc[0]
    score = sum((runs[c] == v).astype(int) for c, v in _DEFAULT_DESIGN.items() if c in runs.columns)
    best = runs[score == score.max()] if len(runs) else runs
    return best.sort_values(["config_id", "replication"]).iloc[0]


def _single_run_figures(folder: Path, runs: pd.DataFrame, run: str | None):
    row = _representative(runs, run)
    config, seed = single_run.locate_run(folder, row["config_id"], int(row["replication"]))
    trace = single_run.trace_run(config, seed)
    mismatch = single_run.reproduces(trace, row)
    label = ", ".join(f"{c}={row[c]}" for c in ("process", "funding", "decision") if c in row.index)
    what = f"replication {int(row['replication'])} of {label} (config {row['config_id']})"
    entries = [
        FigureEntry(
            "text_trajectory",
            f"The draft text on each issue after every meeting in {what}, against the "
            "mean original ideals of the income groups and of civil society; grey: the "
            "issue sat in an informal or friends-of-the-chair room during that meeting.",
            single_run.text_trajectory(trace),
        ),
        FigureEntry(
            "attendance_heatmap",
            f"Attendance in {what}: delegations sorted by budget (poorest at the bottom) x "
            "meetings; (a) delegates in person, (b) share of the meeting's informal "
            "room-days covered (blank: no informal room sat).",
            single_run.attendance_heatmap(trace),
        ),
    ]
    return entries, what, mismatch


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class _Group:
    """Figures shown under one heading (a set of designs, or the run in detail)."""

    title: str
    anchor: str
    entries: list[FigureEntry]
    note: str = ""


def _comparisons(
    runs: pd.DataFrame, groupings: list[list[str]], out: Path, command: str
) -> tuple[list[Section], list[Comparison]]:
    """Compare designs by each grouping (and by each column of a joint grouping)."""
    sets = [*groupings]
    if len(groupings) == 1 and len(groupings[0]) > 1:
        sets += [[c] for c in groupings[0]]
    sections, results = [], []
    for grouping in sets:
        result = compare(runs, grouping)
        results.append(result)
        paths = write_comparison(result, out / "comparison", command)
        names = {"summary_csv": "summary CSV", "pairwise_csv": "pairwise CSV"}
        names |= {"markdown": "Markdown", "latex": "LaTeX"}
        links = " · ".join(
            f'<a href="{p.relative_to(out)}">{names[kind]}</a>' for kind, p in paths.items()
        )
        body = table_html(summary_cells(result, with_n=True).reset_index())
        body += "<details><summary>Pairwise tests (Holm-corrected within each metric)</summary>"
        body += table_html(pairwise_cells(result)) + "</details>"
        body += f"<p>Files: {links}</p>"
        sections.append(Section(f"By {' x '.join(grouping)}: mean [95% interval]", body))
    return sections, results


def make_report(
    folder: Path | str,
    out: Path | str | None = None,
    by: Sequence[str] | None = None,
    metrics: Sequence[str] = DEFAULT_METRICS,
    run: str | None = None,
    formats: Sequence[str] = ("pdf", "svg", "png"),
    command: str = "",
    allow_partial: bool = False,
) -> Path:
    """Write figures, comparison tables, ``report.html`` and ``report.json``; return the page.

    A sweep with missing, failed or damaged jobs raises `IncompleteResultsError` unless
    `allow_partial`; then the page says so first, under its title. A bar on a terminal
    counts the steps (figures of each grouping, the run in detail, each figure written,
    the comparisons): a report takes seconds to a minute.
    """
    with progress_bar(0, "report", "steps") as bar:
        folder = Path(folder)
        out = Path(out) if out is not None else folder
        manifest = load_manifest(folder)
        runs, state = load_checked(folder, allow_partial=allow_partial)
        if runs.empty:
            raise ValueError(f"{folder}: the runs table is empty (no complete job yet?)")
        missing = [m for m in metrics if m not in runs.columns]
        if missing:
            raise KeyError(f"no metric column {missing} in {folder}'s runs table")
        groupings = plan_groupings(runs, by)
        bar.reset(total=len(groupings) + 2)
        missing_cost = (
            ""
            if _cost_axis(runs) is not None
            else '<p class="note">No figure against meeting cost: the sweep varies no numeric '
            "configuration column (sweep e.g. <code>cost.meeting_usd=5e5,1e6,2e6</code>).</p>"
        )
        groups = [
            _Group(
                f"Designs by {' x '.join(g)}",
                "designs-" + "-".join(g),
                _design_figures(runs, g, list(metrics)),
                missing_cost,
            )
            for g in groupings
        ]
        bar.update(len(groupings))
        if run:
            _representative(runs, run)  # a --run that names no run is the caller's error
        try:
            singles, what, mismatch = _single_run_figures(folder, runs, run)
        except Exception as err:
            # The summary figures stand on their own; say why the run in detail is missing.
            log.warning("could not re-run a replication for the one-run figures: %s", err)
            singles, what, mismatch = [], f"not available ({type(err).__name__}: {err})", []
        note = (
            "" if singles else f'<p class="warning">The run in detail is {html.escape(what)}.</p>'
        )
        if mismatch:
            note = (
                '<p class="warning">Re-running this replication did not reproduce the stored '
                f"{', '.join(mismatch[:6])}: the model changed since these results were made, "
                "so these two figures show the current model.</p>"
            )
        groups.append(_Group("One run in detail", "one-run", singles, note))
        bar.update(1)
        ratification = ratification_paper(folder)  # None: the folder has no parties by month
        if ratification is not None:
            entry = FigureEntry("ratification_band", RATIFICATION_CAPTION, ratification)
            groups.append(_Group("Ratification against the record", "ratification", [entry]))

        written: dict[str, dict[str, Path]] = {}
        static = set(formats) & {"pdf", "svg", "png"}
        entries = [e for g in groups for e in g.entries]
        bar.total += len(entries)
        with figure_export_session() if static else contextlib.nullcontext():
            for entry in entries:
                written[entry.name] = entry.paper.save(
                    out / "figures" / entry.name, formats=formats
                )
                bar.update(1)

        number, children = 0, []
        for group in groups:
            blocks = []
            for entry in group.entries:
                number += 1
                files = {k: str(p.relative_to(out)) for k, p in written[entry.name].items()}
                blocks.append(figure_html(entry.paper, entry.name, number, entry.caption, files))
            children.append(Section(group.title, group.note + "".join(blocks), group.anchor))
        comparison_sections, comparisons = _comparisons(runs, groupings, out, command)
        bar.update(1)
        sections = [
            Section("Figures", "", "figures", children),
            Section(
                "Comparison tables",
                "<p>Means with t intervals, proportions with Wilson intervals. "
                f"{html.escape(used_tests_note(comparisons))}, Holm-corrected within each metric; "
                "tests and effect sizes are in the CSV, Markdown and LaTeX files.</p>",
                "comparison",
                comparison_sections,
            ),
            config_section(folder, manifest, runs),
        ]
        env = environment_info()
        report_manifest = {
            "kind": "report",
            "created": utc_now(),
            "results_dir": str(folder.resolve()),
            "command": command,
            "package_version": env.get("package_version"),
            "git": env.get("git"),
            "groupings": groupings,
            "single_run": {"run": what, "not_reproduced": mismatch},
            "partial": state.banner() or None,
            "files": {
                str(p.relative_to(out)): _sha256(p)
                for paths in written.values()
                for p in paths.values()
            },
        }
        sections.append(
            Section(
                "Manifest",
                "<h3>This report</h3>"
                + json_html(report_manifest)
                + "<h3>The results</h3>"
                + json_html(manifest),
                "manifest",
            )
        )
        subtitle = (
            f"{len(runs)} runs of {runs['config_id'].nunique()} configurations from "
            f"<code>{html.escape(str(folder))}</code>; made {report_manifest['created']}."
        )
        title = f"Report: {manifest.get('name') or folder.name}"
        text = page(title, subtitle, sections, banner=state.banner())
        report = write_bytes(text, out / "report.html")
        write_bytes(json.dumps(report_manifest, indent=2, default=str) + "\n", out / "report.json")
        return report
