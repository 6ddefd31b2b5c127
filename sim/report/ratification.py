"""The report's ratification figure, where a results folder holds parties by month.

Why a module of its own: the band against the record needs the folder's
`ratification.parquet` (absent from results made before it existed, empty when no run
adopted a treaty) and each scenario's entry-into-force threshold from its configuration.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import yaml

from sim.analysis.ratification import TREATY_LABELS
from sim.figures.export import PaperFigure
from sim.figures.ratification import ratification_figure
from sim.store import PartialResultsWarning, load_results

__all__ = ["CAPTION", "ratification_paper"]

CAPTION = (
    "Parties by month after the text (the committee's approval, BBNJ's agreed text): the "
    "runs' mean (line) and 10-90% (band), pooled over the folder's configurations of each "
    "scenario, against the record's dated counts (sim/data/ratification_record.csv; a "
    "hollow triangle is an upper bound). Dotted: the instruments that bring the treaty "
    "into force."
)


def _thresholds(folder: Path) -> dict[str, int]:
    """Each scenario's entry-into-force threshold, from the folder's resolved configurations."""
    found: dict[str, int] = {}
    for path in [folder / "config.yaml", *sorted(folder.glob("*/config.yaml"))]:
        if path.is_file():
            cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            name = (cfg.get("scenario") or {}).get("name")
            threshold = (cfg.get("ratification") or {}).get("threshold")
            if name is not None and threshold is not None:
                found.setdefault(name, int(threshold))
    return found


def ratification_paper(folder: Path | str) -> PaperFigure | None:
    """The band-against-record figure of `folder`, or None when it has no ratification data."""
    folder = Path(folder)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PartialResultsWarning)
            table = load_results(folder, "ratification")
    except (FileNotFoundError, OSError):
        return None
    if not isinstance(table, pd.DataFrame) or table.empty:
        return None
    order = [s for s in TREATY_LABELS if s in set(table["scenario"])] or None
    return ratification_figure(table, thresholds=_thresholds(folder), order=order)
