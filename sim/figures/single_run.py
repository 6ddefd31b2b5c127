"""One run in detail: the draft's path against the groups' ideals, and who was in the room.

The results tables keep a run's summary and its per-meeting text, but not the groups'
ideals nor each delegation's presence meeting by meeting, so these figures re-run the
replication from its configuration and ``run_seed`` (runs are deterministic) with a
recorder attached. The recorder only *reads* the model after each meeting (a subclass
whose ``step`` calls the model's own and then copies a few arrays), so the run is the
one in the table: :func:`reproduces` checks it against the stored row.

5. :func:`text_trajectory`: the draft on each issue, meeting by meeting, against the
   groups' mean ideals; meetings in which the issue sat in a closed room are shaded.
6. :func:`attendance_heatmap`: delegations sorted by budget x meetings: delegates in
   person, and the share of informal room-days covered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from plotly.subplots import make_subplots

from sim.config import SimConfig, to_sim_config
from sim.figures.export import PaperFigure
from sim.figures.style import (
    BASE_PT,
    COLUMN_IN,
    SEQUENTIAL,
    TEMPLATE,
    TWO_COLUMN_IN,
    pt_to_px,
    style_for,
)
from sim.figures.tables import GROUP_NAMES, INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS

__all__ = [
    "RunTrace",
    "attendance_heatmap",
    "locate_run",
    "reproduces",
    "text_trajectory",
    "trace_run",
]

CLOSED_FILL = "rgba(0,0,0,0.13)"
_PANEL_TITLE = {
    "xref": "paper",
    "yref": "paper",
    "y": 1.0,
    "xanchor": "left",
    "yanchor": "bottom",
    "showarrow": False,
    "font": {"size": pt_to_px(BASE_PT)},
}


@dataclass(frozen=True)
class RunTrace:
    """What one replication did, meeting by meeting (M meetings, N delegations, D issues)."""

    issues: tuple[str, ...]
    text: np.ndarray  # (M + 1, D): the zero draft, then the text after each meeting
    closed: np.ndarray  # (M, D): issue sat in an informal or friends room that meeting
    delegates: np.ndarray  # (N, M): delegates in person
    present_days: np.ndarray  # (N, M): days with someone at the meeting (in person or remote)
    coverage: np.ndarray  # (N, M): share of informal room-days covered (NaN: no such room)
    informal_room_days: np.ndarray  # (M,): informal and friends room-days that sat
    days: np.ndarray  # (M,): days held
    delegations: pd.DataFrame  # iso3, name, income_group, region, budget_usd, staff
    ideals: pd.DataFrame  # index: group code; columns: issues (mean original ideals)
    row: dict[str, object]  # the run's metrics, as in runs.parquet
    adopted_by: str  # consensus, vote or none


def _recording_model(config: SimConfig, seed: int):
    """A NegotiationModel that copies a few arrays after each meeting; nothing else."""
    from sim.model import NegotiationModel  # mesa is slow to import

    class RecordingModel(NegotiationModel):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.zero_draft = np.array(self.chair.text, dtype=float, copy=True)
            self.records: list[dict[str, np.ndarray | int]] = []

        def step(self) -> None:
            led = self.ledger
            before = (
                np.array(led.informal_days, copy=True),
                int(led.informal_room_days),
                np.array(led.present_days, copy=True),
                int(led.days_held),
            )
            super().step()
            self.records.append(
                {
                    "delegates": np.array(self.attendance.delegates, copy=True),
                    "informal_days": np.asarray(led.informal_days) - before[0],
                    "informal_room_days": int(led.informal_room_days) - before[1],
                    "present_days": np.asarray(led.present_days) - before[2],
                    "days": int(led.days_held) - before[3],
                    "closed": np.array(self.chair.informal_issues, copy=True),
                }
            )

    return RecordingModel(config, seed=seed)


def _ideals(model) -> pd.DataFrame:
    dl, st = model.population.delegations, model.population.stakeholders
    rows = {}
    for k, g in enumerate(INCOME_GROUPS):
        if (dl.income == k).any():
            rows[g] = dl.ideal[dl.income == k].mean(axis=0)
    for k, r in enumerate(REGIONS):
        if (dl.region == k).any():
            rows[r] = dl.ideal[dl.region == k].mean(axis=0)
    for k, kind in enumerate(STAKEHOLDER_KINDS):
        if (st.kind == k).any():
            rows[kind] = st.ideal[st.kind == k].mean(axis=0)
    rows["median_state"] = np.median(dl.ideal, axis=0)
    return pd.DataFrame(rows, index=list(model.population.issues)).T


def trace_run(config: SimConfig, run_seed: int) -> RunTrace:
    """Re-run one replication with the recorder attached and return its trace."""
    model = _recording_model(config, int(run_seed))
    row = model.run()
    records, issues = model.records, tuple(model.population.issues)
    dl = model.population.delegations
    closed = np.zeros((len(records), len(issues)), dtype=bool)
    for m, rec in enumerate(records):
        closed[m, np.asarray(rec["closed"], dtype=int)] = True
    room_days = np.array([rec["informal_room_days"] for rec in records], dtype=float)
    informal = np.stack([rec["informal_days"] for rec in records], axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(room_days > 0, informal / room_days, np.nan)
    delegations = pd.DataFrame(
        {
            "iso3": np.asarray(dl.iso3, dtype=str),
            "name": np.asarray(dl.name, dtype=str),
            "income_group": np.array(INCOME_GROUPS)[dl.income],
            "region": np.array(REGIONS)[dl.region],
            "budget_usd": np.asarray(dl.budget_usd, dtype=float),
            "staff": np.asarray(dl.staff),
        }
    )
    return RunTrace(
        issues=issues,
        text=np.vstack([model.zero_draft, *model.text_history]),
        closed=closed,
        delegates=np.stack([rec["delegates"] for rec in records], axis=1),
        present_days=np.stack([rec["present_days"] for rec in records], axis=1),
        coverage=coverage,
        informal_room_days=room_days,
        days=np.array([rec["days"] for rec in records]),
        delegations=delegations,
        ideals=_ideals(model),
        row=row,
        adopted_by=str(row["adopted_by"]),
    )


def locate_run(folder: Path | str, config_id: str, replication: int) -> tuple[SimConfig, int]:
    """The configuration and ``run_seed`` of one replication stored in a results folder.

    ``folder`` is a single run's folder or a sweep's (its job folders are named
    ``<config_id>-s<seed>-r<replications>``).
    """
    from omegaconf import OmegaConf

    folder = Path(folder)
    candidates = [folder, *sorted(folder.glob(f"{config_id}-*"))]
    for job in candidates:
        runs_path, config_path = job / "runs.parquet", job / "config.yaml"
        if not (runs_path.is_file() and config_path.is_file() and (job / "manifest.json").exists()):
            continue
        runs = pd.read_parquet(runs_path, columns=["config_id", "replication", "run_seed"])
        hit = runs[(runs["config_id"] == config_id) & (runs["replication"] == replication)]
        if len(hit):
            config = to_sim_config(OmegaConf.to_container(OmegaConf.load(config_path)))
            return config, int(hit["run_seed"].iloc[0])
    raise FileNotFoundError(
        f"{folder}: no complete job folder holds replication {replication} of "
        f"configuration {config_id} (looked for {config_id}-*/config.yaml and runs.parquet)"
    )


def reproduces(trace: RunTrace, stored: pd.Series | dict, tol: float = 1e-9) -> list[str]:
    """Columns of the stored run row that the re-run does not reproduce (empty: all do)."""
    stored = dict(stored)
    bad = []
    for key, value in trace.row.items():
        if key not in stored:
            continue
        old = stored[key]
        if isinstance(value, float | np.floating) or isinstance(old, float | np.floating):
            a, b = float(value), float(old) if old is not None else math.nan
            if not (math.isnan(a) and math.isnan(b)) and not math.isclose(a, b, abs_tol=tol):
                bad.append(key)
        elif str(value) != str(old):
            bad.append(key)
    return bad


def text_trajectory(trace: RunTrace, groups: str = "income") -> PaperFigure:
    """The draft on each issue after every meeting, against the groups' mean ideals.

    ``groups``: ``income`` (the four income groups and civil society), ``region``
    or ``stakeholders``. Shading marks the meetings in which that issue sat in an
    informal or friends-of-the-chair room (the segment ending at that meeting).
    """
    chosen = {
        "income": [*INCOME_GROUPS, "civil_society"],
        "region": list(REGIONS),
        "stakeholders": list(STAKEHOLDER_KINDS),
    }
    if groups not in chosen:
        raise ValueError(f"groups = {groups!r}: expected one of {', '.join(chosen)}")
    names = [g for g in chosen[groups] if g in trace.ideals.index]
    n_issues, meetings = len(trace.issues), trace.text.shape[0] - 1
    cols = 2 if n_issues > 1 else 1
    rows = -(-n_issues // cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        vertical_spacing=0.13 if rows > 1 else 0.0,
        subplot_titles=[issue.replace("_", " ").capitalize() for issue in trace.issues],
    )
    fig.update_layout(template=TEMPLATE)
    x = np.arange(meetings + 1)
    values = [trace.text.ravel(), trace.ideals.loc[names].to_numpy().ravel()]
    low, high = float(np.min(np.concatenate(values))), float(np.max(np.concatenate(values)))
    pad = 0.05 * max(high - low, 0.1)
    adopted = f", adopted by {trace.adopted_by}" if trace.adopted_by != "none" else ", not adopted"
    for j, issue in enumerate(trace.issues):
        r, c = j // cols + 1, j % cols + 1
        for m in np.flatnonzero(trace.closed[:, j]):
            fig.add_vrect(
                x0=m,
                x1=m + 1,
                fillcolor=CLOSED_FILL,
                line_width=0,
                layer="below",
                row=r,
                col=c,
                exclude_empty_subplots=False,
            )
        for i, group in enumerate(names):
            colour, dash, _ = style_for(i)
            fig.add_scatter(
                x=[0, meetings],
                y=[trace.ideals.loc[group, issue]] * 2,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 1.3},
                name=GROUP_NAMES.get(group, group),
                legendgroup=group,
                showlegend=j == 0,
                row=r,
                col=c,
            )
        fig.add_scatter(
            x=x,
            y=trace.text[:, j],
            mode="lines+markers",
            line={"color": "black", "dash": "solid", "width": 1.6},
            marker={"symbol": "circle", "size": 4, "color": "black"},
            name=f"draft text{adopted}",
            legendgroup="text",
            showlegend=j == 0,
            row=r,
            col=c,
        )
    if trace.closed.any():  # a legend key for the shading
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 9, "color": CLOSED_FILL},
            name="in a closed room",
        )
    fig.update_xaxes(range=[-0.2, meetings + 0.2], dtick=1 if meetings <= 12 else None)
    fig.update_xaxes(title_text="Meeting (0 = zero draft)", row=rows)
    fig.update_yaxes(range=[low - pad, high + pad])
    for r in range(1, rows + 1):
        fig.update_yaxes(title_text="Position (0-1)", row=r, col=1)
    fig.update_annotations(font_size=pt_to_px(BASE_PT))  # the panel titles
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.06, "yanchor": "bottom"}
    )
    data = _trajectory_data(trace, names)
    return PaperFigure(fig, data, TWO_COLUMN_IN if cols > 1 else COLUMN_IN, 1.1 + 1.6 * rows)


def _trajectory_data(trace: RunTrace, names: list[str]) -> pd.DataFrame:
    meetings = trace.text.shape[0] - 1
    parts = []
    for j, issue in enumerate(trace.issues):
        closed = np.r_[False, trace.closed[:, j]]
        parts.append(
            pd.DataFrame(
                {
                    "issue": issue,
                    "meeting": np.arange(meetings + 1),
                    "series": "text",
                    "value": trace.text[:, j],
                    "closed_room": closed,
                }
            )
        )
        for group in names:
            parts.append(
                pd.DataFrame(
                    {
                        "issue": [issue],
                        "meeting": [np.nan],
                        "series": [f"ideal_{group}"],
                        "value": [trace.ideals.loc[group, issue]],
                        "closed_room": [np.nan],
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def _budget_ticks(budgets: np.ndarray) -> tuple[list[int], list[str]]:
    """Row positions where the sorted budgets pass round amounts, and their labels."""
    steps = [v * 10.0**e for e in range(3, 9) for v in (1, 3)]
    positions, labels = [], []
    for amount in steps:
        if budgets[0] <= amount <= budgets[-1]:
            positions.append(int(np.searchsorted(budgets, amount)))
            labels.append(f"${amount / 1e6:g}M" if amount >= 1e6 else f"${amount / 1e3:g}k")
    return positions, labels


def attendance_heatmap(trace: RunTrace) -> PaperFigure:
    """Delegations (sorted by budget, poorest at the bottom) x meetings.

    Left: delegates in person (white: nobody in person). Right: share of the
    meeting's informal room-days in which the delegation had someone (blank
    columns: no informal room sat).
    """
    order = np.argsort(trace.delegations["budget_usd"].to_numpy(), kind="stable")
    budgets = trace.delegations["budget_usd"].to_numpy()[order]
    delegates = trace.delegates[order].astype(float)
    coverage = trace.coverage[order]
    meetings = np.arange(1, delegates.shape[1] + 1)
    rows = np.arange(len(order))
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.16)
    fig.update_layout(template=TEMPLATE)
    fig.add_heatmap(
        z=np.where(delegates > 0, delegates, np.nan),
        x=meetings,
        y=rows,
        coloraxis="coloraxis",
        hovertemplate="meeting %{x}, row %{y}: %{z} delegates<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_heatmap(
        z=coverage,
        x=meetings,
        y=rows,
        coloraxis="coloraxis2",
        hovertemplate="meeting %{x}, row %{y}: %{z:.2f}<extra></extra>",
        row=1,
        col=2,
    )
    bar = {"thickness": 7, "len": 1.0, "y": 0.5, "yanchor": "middle", "ticks": "outside"}
    domain_a, domain_b = fig.layout.xaxis.domain, fig.layout.xaxis2.domain
    fig.update_layout(
        coloraxis={
            "colorscale": SEQUENTIAL,
            "cmin": 1,
            "colorbar": {**bar, "x": domain_a[1] + 0.01, "title": {"text": "delegates"}},
        },
        coloraxis2={
            "colorscale": SEQUENTIAL,
            "cmin": 0,
            "cmax": 1,
            "colorbar": {**bar, "x": domain_b[1] + 0.01, "title": {"text": "share"}},
        },
    )
    positions, labels = _budget_ticks(budgets)
    fig.update_yaxes(range=[-0.5, len(order) - 0.5], tickvals=positions, ticktext=labels)
    fig.update_yaxes(title_text="Delegations by budget", row=1, col=1)
    dtick = 1 if len(meetings) <= 12 else None
    fig.update_xaxes(dtick=dtick, range=[0.5, len(meetings) + 0.5])
    fig.update_xaxes(title_text="Meeting", row=1, col=1)
    fig.update_xaxes(title_text="Meeting", row=1, col=2)
    fig.update_layout(
        margin={"t": pt_to_px(BASE_PT) * 2},  # room for the panel titles
        annotations=[
            {**_PANEL_TITLE, "x": domain_a[0], "text": "(a) Delegates in person (white: none)"},
            {**_PANEL_TITLE, "x": domain_b[0], "text": "(b) Share of informal room-days covered"},
        ],
    )
    table = trace.delegations.iloc[order].reset_index(drop=True)
    data = pd.concat(
        [
            table.assign(
                budget_rank=rows,
                meeting=m,
                delegates=trace.delegates[order, k],
                present_days=trace.present_days[order, k],
                informal_coverage=coverage[:, k],
            )
            for k, m in enumerate(meetings)
        ],
        ignore_index=True,
    )
    return PaperFigure(fig, data, TWO_COLUMN_IN, 2.9)
