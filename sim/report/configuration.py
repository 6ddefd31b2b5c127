"""The report's configuration section: what was run, so a reader can run it again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.designs import config_columns
from sim.report.html import Section, pre_html, table_html

__all__ = ["config_section"]


def config_section(folder: Path, manifest: dict, runs: pd.DataFrame) -> Section:
    """The sweep's overrides, one row per configuration, and one resolved config.yaml."""
    jobs = manifest.get("jobs") or []
    body = ""
    if manifest.get("overrides"):
        body += "<p>Sweep overrides: <code>" + " ".join(map(str, manifest["overrides"]))
        body += "</code></p>"
    table = runs[[*config_columns(runs), "config_id"]].drop_duplicates("config_id")
    counts = runs.groupby("config_id").size().rename("runs")
    table = table.join(counts, on="config_id")
    for column in table.columns:
        if column.endswith("usd") and pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map("{:,.0f}".format)
    body += table_html(table)
    config_path = next(
        (
            p
            for p in [
                folder / "config.yaml",
                *(folder / str(j.get("key")) / "config.yaml" for j in jobs),
            ]
            if p.is_file()
        ),
        None,
    )
    if config_path is not None:
        body += f"<details><summary>Resolved configuration of {config_path.parent.name} "
        body += "(the others differ only in the columns above)</summary>"
        body += pre_html(config_path.read_text(encoding="utf-8")) + "</details>"
    return Section("Configuration", body, "configuration")
