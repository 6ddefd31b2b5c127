"""The Solara page: controls in the sidebar, the views of one or two runs in the main area.

Started by `python -m sim.app` (or `make app`). Every control change re-runs the same
seed with the new design up to the meeting the run had reached, so the views show
at once what the change does; Step holds one meeting, Run plays the rest meeting by
meeting, Reset goes back to the zero draft. A value the model cannot run leaves the
last valid run on screen and says, under the controls, which control and why.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import solara

from sim.app import figures, readings
from sim.app.controls import Controls, RunControls
from sim.app.designs import Setup, SetupError, config_overrides, default_setup
from sim.app.plot import PLOTLY_JS_DIR, PlotlyView
from sim.app.state import Session, TrackView
from sim.figures.style import PALETTE

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

PLAY_PAUSE_S = 0.5  # between meetings while Run plays: long enough to watch each one

TITLE = "negotiation-sim: watch one negotiation, change its design"
_CONTROLS_STYLE = {"width": "360px", "flex": "0 0 360px"}

_CSS = """
.nsim-caption { color: #444; font-size: 13px; margin: 0 0 4px 0; }
.nsim-status { font-size: 14px; margin: 2px 0; }
.v-application .nsim-config { font-size: 12px; color: #555; margin: 0 0 4px 0; }
.nsim-overrides { font-family: monospace; font-size: 12px; color: #333; }
.nsim-metrics { border-collapse: collapse; width: 100%; font-size: 13px; }
.nsim-metrics th, .nsim-metrics td { text-align: left; padding: 4px 8px; vertical-align: top;
  border-bottom: 1px solid #ddd; }
.nsim-metrics td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
.nsim-outcome { font-weight: 600; font-size: 15px; margin: 4px 0 8px 0; }
"""


# ----------------------------------------------------------------------------- views


def _status(view: TrackView) -> str:
    if view.row is not None:
        return readings.outcome(view.row)
    if not view.records:
        return f"Zero draft: no meeting held yet ({view.planned_meetings} planned)."
    last = view.records[-1]
    extension = " (an extension)" if last.kind == "extension" else ""
    return (
        f"After meeting {last.number}{extension} of {view.planned_meetings} planned: "
        f"pressure {last.pressure:.2f}, process budget left ${last.budget_left_usd / 1e6:.2f}M."
    )


@contextmanager
def _view(title: str, caption: str, name: str) -> Iterator[None]:
    """A card holding one view, with a one-line caption saying how to read it."""
    with solara.Card(title, margin=0, classes=["nsim-view", f"nsim-view-{name}"]):
        solara.HTML(tag="p", unsafe_innerHTML=html.escape(caption), classes=["nsim-caption"])
        yield


def _serve_plotly_js() -> None:
    """Let Solara serve the installed Plotly's plotly.min.js at /static/assets/ (no CDN)."""
    from solara.server import settings

    where = str(PLOTLY_JS_DIR)
    if where not in settings.assets.extra_locations:
        settings.assets.extra_locations.append(where)


def _plotly_url() -> str:
    from solara.server import settings

    return f"{settings.main.root_path or ''}/static/assets/plotly.min.js"


def _plot(figure: str) -> None:
    """A figure (Plotly JSON) in a light widget that redraws it whole when it changes."""
    PlotlyView.element(figure=figure, plotly_url=_plotly_url())


@solara.component
def PerDesign(views: list[TrackView], figs: list[str], label: bool) -> None:
    """One figure per design, side by side when there are two."""
    with solara.Columns([1] * len(views)):
        for view, fig in zip(views, figs, strict=True):
            with solara.Column(gap="0px"):
                if label:
                    solara.Text(f"Design {view.name}: {figures.design_label(view)}")
                _plot(fig)


def _metrics_html(views: list[TrackView]) -> str:
    esc = html.escape
    rows = [v.row for v in views]
    if len(views) == 1:
        head = "<tr><th>Metric</th><th>Value</th><th>Reading</th></tr>"
        body = "".join(
            f"<tr><td>{esc(r.label)}</td><td class='num'>{esc(r.value)}</td>"
            f"<td>{esc(r.reading)}</td></tr>"
            for r in readings.readings(rows[0])
        )
    else:
        reading_a = {r.label: r.reading for r in readings.readings(rows[0])}
        head = (
            "<tr><th>Metric</th><th>A</th><th>B</th><th>B - A</th><th>Reading (design A)</th></tr>"
        )
        body = "".join(
            f"<tr><td>{esc(d.label)}</td><td class='num'>{esc(d.a)}</td>"
            f"<td class='num'>{esc(d.b)}</td><td class='num'>{esc(d.change)}</td>"
            f"<td>{esc(reading_a.get(d.label, ''))}</td></tr>"
            for d in readings.differences(rows[0], rows[1])
        )
    return f"<table class='nsim-metrics'><thead>{head}</thead><tbody>{body}</tbody></table>"


@solara.component
def Outcome(views: list[TrackView]) -> None:
    """The adoption outcome and the key metrics, once every design has ended."""
    if not all(v.finished for v in views):
        solara.Text("The outcome and the key metrics appear when the run ends (Run, or Step on).")
        return
    for view in views:
        prefix = f"Design {view.name}: " if len(views) > 1 else ""
        solara.HTML(
            tag="p", unsafe_innerHTML=html.escape(prefix + _status(view)), classes=["nsim-outcome"]
        )
    solara.HTML(tag="div", unsafe_innerHTML=_metrics_html(views))


@solara.component
def Views(views: list[TrackView], key: object) -> None:
    """The views; side by side, the per-design ones (attendance, rooms, text) go full width."""
    figs = solara.use_memo(lambda: figures.every_view(views), dependencies=[key])
    compare = len(views) > 1

    def rooms() -> None:
        with _view(
            "Rooms at the latest meeting",
            "Plenary: share of each group at the meeting. Informal rooms: share of their "
            "room-days the group covered. Friends of the chair: share invited. Last row: "
            "whether stakeholders were let in.",
            "rooms",
        ):
            PerDesign(views, figs["rooms"], compare)

    def voice() -> None:
        with _view(
            "Voice share by income group",
            "Share of the delegations' influence on the text so far: solid, the group's own "
            "delegates; light, carried for its absent members by bloc coordinators; tick, its "
            "share of the delegations.",
            "voice",
        ):
            _plot(figs["voice"])

    def pressure() -> None:
        with _view(
            "Pressure and the process budget",
            "Pressure to conclude rises as money and meetings run out; it closes doors, hurries "
            "concessions and moves the text toward holdouts.",
            "pressure",
        ):
            _plot(figs["pressure"])

    def outcome() -> None:
        with _view(
            "Outcome and key metrics",
            "Whether and how the text was adopted, and what the run measured, each in a line.",
            "outcome",
        ):
            Outcome(views)

    with _view(
        "Who was at each meeting",
        "Each row a delegation, poorest at the bottom. (a) Delegates in person at each meeting "
        "(white: nobody came). (b) Share of the closed rooms' days it had someone in.",
        "attendance",
    ):
        PerDesign(views, figs["attendance"], compare)
    if compare:
        rooms()
    else:
        with solara.Columns([1, 1]):
            rooms()
            voice()
    with _view(
        "The draft text against the groups' ideals",
        "The draft on each issue after every meeting (black) against the mean ideal of each "
        "income group, civil society and industry; grey: the issue sat behind closed doors.",
        "text",
    ):
        PerDesign(views, figs["text"], compare)
    with solara.Columns([1, 1]):
        if compare:
            voice()
            pressure()
        else:
            pressure()
            outcome()
    if compare:
        outcome()


# ----------------------------------------------------------------------------- page


@solara.component
def Page() -> None:
    initial = solara.use_memo(lambda: Session(default_setup()), dependencies=[])
    session = solara.use_reactive(initial)
    controls = solara.use_reactive(initial.setup)
    error = solara.use_reactive(None)
    version = solara.use_reactive(0)  # bumped after every meeting, to redraw
    playing = solara.use_reactive(False)

    def redraw() -> None:
        version.set(version.value + 1)

    def on_setup(setup: Setup) -> None:
        """A control changed: re-run the new design to the same meeting, or say what is wrong."""
        controls.set(setup)
        playing.set(False)
        try:
            new = Session.replayed(setup, session.value.meeting)
        except SetupError as err:
            error.set(f"{err} The views still show the last valid design.")
            return
        error.set(None)
        session.set(new)
        redraw()

    def step() -> None:
        session.value.step()
        redraw()

    def reset() -> None:
        playing.set(False)
        try:
            new = Session(controls.value)
        except SetupError as err:
            error.set(f"{err} The views still show the last valid design.")
            return
        error.set(None)
        session.set(new)
        redraw()

    def play() -> None:
        """While Run is on: a meeting, a redraw, a pause to watch it; stop at the end."""
        while playing.value and not session.value.finished:
            session.value.step()
            redraw()
            if not session.value.finished:
                time.sleep(PLAY_PAUSE_S)
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def play_or_pause() -> None:
        playing.set(not playing.value)

    current = session.value
    views = current.views()
    key = (id(current), version.value, tuple(v.meetings for v in views))
    finished = current.finished

    if solara.lab.theme.themes.light.primary != PALETTE[0]:
        solara.lab.theme.themes.light.primary = PALETTE[0]  # the house blue of the figures
    solara.Style(_CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Row(style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
        with solara.Column(classes=["nsim-controls"], style=_CONTROLS_STYLE):
            RunControls(step, play_or_pause, reset, finished=finished, playing=playing.value)
            Controls(controls.value, on_setup, error.value)
        with solara.Column(classes=["nsim-main"], style={"flex": "1 1 auto", "min-width": "0"}):
            for view in views:
                prefix = ""
                if len(views) > 1:
                    prefix = f"Design {view.name} ({figures.design_label(view)}): "
                solara.HTML(
                    tag="p",
                    unsafe_innerHTML=html.escape(prefix + _status(view)),
                    classes=["nsim-status"],
                )
            for view in views:  # what the model runs, in the words of the configuration
                which = f"Design {view.name} configuration" if len(views) > 1 else "Configuration"
                overrides = html.escape(" ".join(config_overrides(view.config)))
                solara.HTML(
                    tag="p",
                    unsafe_innerHTML=f"{which}: <span class='nsim-overrides'>{overrides}</span>",
                    classes=["nsim-config", f"nsim-config-{view.name}"],
                )
            Views(views, key)


_serve_plotly_js()
