r"""The README's headline figures, from a sweep over funding schemes and meeting costs.

    python -m sim -m funding=none,trust_fund,hybrid,cost_sharing \
        cost.meeting_usd=250000,500000,1000000,2000000,4000000 replications=40 \
        sweep_name=headline hydra/launcher=joblib hydra.sweep.dir=results/sweeps/headline
    python -m sim.report.headline results/sweeps/headline --out docs/figures

Writes four PNGs (300 dpi, paper size) with the CSV of what each plots:
``attendance_vs_meeting_cost`` (figure 1 by funding), ``rush_cost_vs_meeting_cost``
(the rushed compromise and low-income states' own voice against meeting cost, by
funding), ``frontier_by_funding``
(figure 7 at the committee's $1M meetings, with adoption *by consensus* on the y axis:
under the default rule a fallback vote adopts every text) and ``attendance_heatmap``
(figure 6, the first replication without support at $1M).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.errors import ArgumentParser
from sim.figures import designs, frontier, single_run
from sim.figures.export import figure_export_session

__all__ = ["main", "make_headline_figures"]

REFERENCE_COST = 1e6


def make_headline_figures(folder: Path | str, out: Path | str) -> list[Path]:
    """Write the four headline figures (PNG and CSV) into ``out``; return the PNGs."""
    from sim.store import load_results

    runs = load_results(folder)
    for column, needed in (("funding", 2), ("meeting_usd", 2)):
        if runs[column].nunique() < needed:
            raise ValueError(f"{folder}: the sweep must vary {column} (it has one value)")
    reference = runs[runs["meeting_usd"] == REFERENCE_COST]
    if reference.empty:
        raise ValueError(f"{folder}: no run at meeting_usd = {REFERENCE_COST:g}")
    baseline = reference[reference["funding"] == "none"]
    row = (baseline if len(baseline) else reference).sort_values("replication").iloc[0]
    config, seed = single_run.locate_run(folder, row["config_id"], int(row["replication"]))
    trace = single_run.trace_run(config, seed)
    if mismatch := single_run.reproduces(trace, row):
        raise ValueError(
            f"re-running replication {int(row['replication'])} of {row['config_id']} did not "
            f"reproduce its stored {', '.join(mismatch[:5])}: re-run the sweep with this code"
        )
    figures = {
        "attendance_vs_meeting_cost": designs.inclusiveness_vs_cost(
            runs, "attendance_rate_LIC", "meeting_usd", by="funding"
        ),
        "rush_cost_vs_meeting_cost": designs.inclusiveness_vs_cost(
            runs, ["rush_cost", "voice_share_LIC"], "meeting_usd", by="funding"
        ),
        "frontier_by_funding": frontier.frontier(
            reference,
            "attendance_rate_LIC",
            by="funding",
            outcome=frontier.agreement_measure(reference),
        ),
        "attendance_heatmap": single_run.attendance_heatmap(trace),
    }
    out = Path(out)
    written = []
    with figure_export_session():
        for name, paper in figures.items():
            written.append(paper.save(out / name, formats=("png",))["png"])
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = ArgumentParser(
        prog="python -m sim.report.headline", description=__doc__.split("\n")[0]
    )
    parser.add_argument("results_dir", type=Path, help="a sweep over funding and meeting cost")
    parser.add_argument("--out", type=Path, default=Path("docs/figures"), help="output folder")
    args = parser.parse_args(argv)
    if not args.results_dir.is_dir():
        parser.error(f"results folder {args.results_dir} does not exist")
    try:
        paths = make_headline_figures(args.results_dir, args.out)
    except (FileNotFoundError, KeyError, ValueError) as err:
        parser.error(str(err))
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
