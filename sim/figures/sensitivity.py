"""The sensitivity figure: each parameter's indices per outcome, with 95% intervals.

Sobol: first-order S1 (the variance share a parameter explains alone) and total ST
(with its interactions) side by side, one panel per outcome. Morris: mu* scaled by the
outcome's s.d., with sigma as the second bar. Parameters and outcomes carry their
readable labels (`parameter_label`, `metric_label`); the axis reaches every interval's
end (a bootstrap interval may pass 1 or 0).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.designs import metric_label, parameter_label
from sim.figures.export import PaperFigure
from sim.figures.style import PALETTE, TEMPLATE, TITLE_PT, TWO_COLUMN_IN

__all__ = ["sensitivity_figure"]

PANEL_ROW_IN = 0.16  # height of one parameter row in a panel


def sensitivity_figure(table: pd.DataFrame, method: str = "sobol") -> PaperFigure:
    """Indices per outcome (panels) and parameter (rows); S1 and ST (or mu*, sigma) bars."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    cols = 2 if len(outcomes) > 1 else 1
    rows = math.ceil(len(outcomes) / cols)
    n_params = table["parameter"].nunique()
    height = 0.9 + rows * (0.4 + PANEL_ROW_IN * n_params)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.42 / height if rows > 1 else 0.1,
        subplot_titles=[metric_label(o, short=True) for o in outcomes],
    )
    fig.update_annotations(font_size=TITLE_PT)
    fig.update_layout(template=TEMPLATE, barmode="group")
    if method == "sobol":
        bars = (("S1", "first order S1", PALETTE[0]), ("ST", "total ST", PALETTE[1]))
    else:
        scale = table["mu_star"] / table["mu_star_scaled"].where(table["mu_star_scaled"] != 0)
        table = table.assign(
            sigma_scaled=table["sigma"] / scale,
            mu_star_scaled_low=table["mu_star_low"] / scale,
            mu_star_scaled_high=table["mu_star_high"] / scale,
        )
        bars = (
            ("mu_star_scaled", "mu* / s.d.", PALETTE[0]),
            ("sigma_scaled", "sigma / s.d.", PALETTE[1]),
        )
    for i, outcome in enumerate(outcomes):
        part = table[table["outcome"] == outcome]
        names = [parameter_label(p) for p in part["parameter"]]
        for column, label, colour in bars:
            error = None
            if f"{column}_low" in part:
                error = {
                    "type": "data",
                    "symmetric": False,
                    "array": (part[f"{column}_high"] - part[column]).clip(lower=0),
                    "arrayminus": (part[column] - part[f"{column}_low"]).clip(lower=0),
                    "thickness": 1,
                    "width": 2,
                }
            fig.add_trace(
                go.Bar(
                    x=part[column],
                    y=names,
                    orientation="h",
                    name=label,
                    marker_color=colour,
                    error_x=error,
                    showlegend=i == 0,
                    legendgroup=label,
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
    fig.update_yaxes(autorange="reversed")
    title = "Sobol index" if method == "sobol" else "Effect per s.d. of the outcome"
    fig.update_xaxes(title_text=title, row=rows)
    if method == "sobol":  # 0 to 1, widened to show every interval whole
        ends = table[["S1_low", "ST_low", "S1_high", "ST_high"]].to_numpy(dtype=float)
        low = min(-0.05, float(np.nanmin(ends)) - 0.03) if np.isfinite(ends).any() else -0.05
        high = max(1.05, float(np.nanmax(ends)) + 0.03) if np.isfinite(ends).any() else 1.05
        fig.update_xaxes(range=[low, high])
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1 + 0.35 / height})
    return PaperFigure(fig, table.reset_index(drop=True), TWO_COLUMN_IN, height)
