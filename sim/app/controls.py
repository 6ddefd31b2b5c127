"""The app's controls: Step / Run / Reset, the scenario and seed, and design A (and B).

Each control hands a new `Setup` to `on_setup`; the page re-runs it (`sim.app.page`).
"""

from __future__ import annotations

from dataclasses import replace

import solara

from sim.analysis.designs import option_label
from sim.app.designs import CHOICES, NUMBERS, Setup, options, with_design

__all__ = ["AmountInput", "Controls", "RunControls", "format_amount", "parse_amount"]

_WRAP = {"flex-wrap": "wrap", "gap": "8px"}


def _labels(group: str) -> dict[str, str]:
    """Readable label -> option name, for a config group's options."""
    return {option_label(name): name for name in options(group)}


@solara.component
def DesignControls(setup: Setup, which: str, on_setup) -> None:
    """The controls of design A or B: rooms, funding, decision rule and the three costs."""
    design = setup.design if which == "A" or setup.compare is None else setup.compare
    titles = {"process": "Process design", "funding": "Funding", "decision": "Decision rule"}
    for group in CHOICES:
        labels = _labels(group)
        current = option_label(getattr(design, group))

        def choose(label: str, group: str = group, labels: dict = labels) -> None:
            on_setup(with_design(setup, which, **{group: labels[label]}))

        solara.Select(
            titles[group],
            values=list(labels),
            value=current,
            on_value=choose,
            classes=[f"nsim-{which}-{group}"],
        )
    for name, (_key, label) in NUMBERS.items():

        def set_number(value: float, name: str = name) -> None:
            on_setup(with_design(setup, which, **{name: float(value)}))

        AmountInput(label, getattr(design, name), set_number, f"nsim-{which}-{name}")


def format_amount(value: float) -> str:
    """A number as a person writes it: `1,000,000`, `7,130,000`, `812.5` (not `1000000.0`)."""
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities: as Python
        return str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def parse_amount(text: str) -> float:
    """The number in a field: thousands separators, spaces and a `$` allowed; ValueError else."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "").removeprefix("$")
    return float(cleaned)


@solara.component
def AmountInput(label: str, value: float, on_value, class_name: str) -> None:
    """A number field that shows `1,000,000` and reads it back (Solara's shows `1000000.0`)."""
    error, set_error = solara.use_state(None)

    def changed(text: str) -> None:
        try:
            number = parse_amount(text)
        except ValueError:
            set_error("Value must be a number")
            return
        set_error(None)
        on_value(number)

    solara.InputText(
        label,
        value=format_amount(value),
        on_value=changed,
        continuous_update=False,
        error=error or False,
        classes=[class_name],
    )


@solara.component
def Controls(setup: Setup, on_setup, error: str | None) -> None:
    """Scenario, seed, design A and, side by side, design B; first, what is wrong if anything."""
    if error:
        solara.Error(error, classes=["nsim-error"])
    with solara.Card("Scenario", margin=0, classes=["nsim-scenario"]):
        scenarios = _labels("scenario")
        solara.Select(
            "Scenario",
            values=list(scenarios),
            value=option_label(setup.scenario),
            classes=["nsim-scenario-select"],
            on_value=lambda label: on_setup(replace(setup, scenario=scenarios[label])),
        )
        solara.InputInt(
            "Seed",
            value=setup.seed,
            on_value=lambda seed: on_setup(replace(setup, seed=int(seed))),
            classes=["nsim-seed"],
        )
    with solara.Card("Design A", margin=0, classes=["nsim-design-a"]):
        DesignControls(setup, "A", on_setup)

    def toggle(on: bool) -> None:
        on_setup(replace(setup, compare=setup.design if on else None))

    with solara.Card("Side by side", margin=0, classes=["nsim-compare"]):
        solara.Switch(
            label="Compare with a design B on the same seed",
            value=setup.compare is not None,
            on_value=toggle,
        )
    if setup.compare is not None:
        with solara.Card("Design B", margin=0, classes=["nsim-design-b"]):
            DesignControls(setup, "B", on_setup)


@solara.component
def RunControls(step, play_or_pause, reset, *, finished: bool, playing: bool) -> None:
    """Step one meeting, Run (play the rest meeting by meeting) or Pause, and Reset."""
    with solara.Card("Run", margin=0, classes=["nsim-run"]), solara.Row(style=_WRAP):
        solara.Button(
            "Step one meeting",
            on_click=step,
            disabled=finished or playing,
            color="primary",
            classes=["nsim-step"],
        )
        solara.Button(
            "Pause" if playing else "Run",
            on_click=play_or_pause,
            disabled=finished and not playing,
            color="primary",
            classes=["nsim-play"],
        )
        solara.Button("Reset", on_click=reset, classes=["nsim-reset"])
