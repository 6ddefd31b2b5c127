"""The app's designs: what the controls ask for, and the configuration that runs it.

A `Design` is one process design (rooms, money, decision rule, costs); a `Setup` is a
scenario, a seed and one design or two side by side. `build_config` turns a design into
a validated `SimConfig` through the project's own `compose_config` and `set_values`, and
says which control holds a value the model cannot run. Plain Python, tested without a
server.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from sim.config import ConfigError, SimConfig, set_values

__all__ = [
    "CHOICES",
    "NUMBERS",
    "Design",
    "Setup",
    "SetupError",
    "build_config",
    "config_overrides",
    "default_setup",
    "options",
    "run_seed",
    "with_design",
]

CHOICES = ("process", "funding", "decision")
"""The config groups a design chooses (the scenario is shared by both designs)."""

NUMBERS = {
    "meeting_usd": ("cost.meeting_usd", "Meeting cost (USD)"),
    "delegate_day_usd": ("cost.delegate_day_usd", "Delegate-day cost (USD)"),
    "process_budget_usd": ("cost.process_budget_usd", "Process budget (USD)"),
}
"""A design's numbers: field -> (configuration key, label in the app)."""


class SetupError(ValueError):
    """A control holds a value the model cannot run; the message names the control."""


# ----------------------------------------------------------------------------- designs


@dataclass(frozen=True)
class Design:
    """One process design: how the rooms, money and decision are set up."""

    process: str
    funding: str
    decision: str
    meeting_usd: float
    delegate_day_usd: float
    process_budget_usd: float

    def overrides(self) -> list[str]:
        return [f"{group}={getattr(self, group)}" for group in CHOICES]

    def values(self) -> dict[str, float]:
        return {key: getattr(self, name) for name, (key, _) in NUMBERS.items()}


@dataclass(frozen=True)
class Setup:
    """What the controls ask for: a scenario, a seed, a design and, side by side, a second."""

    scenario: str
    seed: int
    design: Design
    compare: Design | None = None

    def designs(self) -> list[Design]:
        return [self.design] if self.compare is None else [self.design, self.compare]


def options(group: str) -> tuple[str, ...]:
    """The options of a config group (`configs/<group>/*.yaml`), the default first."""
    from sim.api import CONFIG_DIR

    names = sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))
    if not names:
        raise SetupError(f"no options for {group!r} in {CONFIG_DIR / group}")
    default = _default_option(group)
    return (default, *(n for n in names if n != default)) if default in names else tuple(names)


@functools.cache
def _default_option(group: str) -> str:
    config = _composed(())
    return {
        "scenario": config.scenario.name,
        "process": config.process.name,
        "funding": config.funding.name,
        "decision": config.decision.rule,
    }[group]


@functools.lru_cache(maxsize=32)
def _composed(overrides: tuple[str, ...]) -> SimConfig:
    """A composed configuration (Hydra is slow: once per combination of options)."""
    from sim.api import compose_config

    return compose_config(list(overrides))


def default_setup(scenario: str | None = None) -> Setup:
    """The default design of a scenario, its costs as the configuration sets them."""
    scenario = scenario or _default_option("scenario")
    _check_option("scenario", scenario)
    config = _composed((f"scenario={scenario}",))
    cost = config.cost
    design = Design(
        process=config.process.name,
        funding=config.funding.name,
        decision=config.decision.rule,
        meeting_usd=float(cost.meeting_usd),
        delegate_day_usd=float(cost.delegate_day_usd),
        process_budget_usd=float(cost.process_budget_usd),
    )
    return Setup(scenario=scenario, seed=int(config.seed), design=design)


def _check_option(group: str, value: str) -> None:
    allowed = options(group)
    if value not in allowed:
        raise SetupError(f"{group.capitalize()}: {value!r} is not an option ({', '.join(allowed)})")


def build_config(scenario: str, design: Design, seed: int) -> SimConfig:
    """The validated configuration of one design; `SetupError` names a bad control."""
    _check_option("scenario", scenario)
    for group in CHOICES:
        _check_option(group, getattr(design, group))
    base = _composed((f"scenario={scenario}", *design.overrides()))
    values: dict[str, object] = {**design.values(), "seed": seed}
    try:
        return set_values(base, values)
    except ConfigError as err:
        raise SetupError(_label_error(str(err))) from None


def config_overrides(config: SimConfig) -> list[str]:
    """The configuration a run uses, as the Hydra overrides that compose it again."""
    numbers = []
    for key, _label in NUMBERS.values():
        value = float(getattr(config.cost, key.removeprefix("cost.")))
        numbers.append(f"{key}={int(value) if value.is_integer() else value}")
    return [
        f"scenario={config.scenario.name}",
        f"process={config.process.name}",
        f"funding={config.funding.name}",
        f"decision={config.decision.rule}",
        *numbers,
        f"seed={config.seed}",
    ]


def run_seed(config: SimConfig) -> int:
    """The seed the app's run uses: replication 0's, derived as the command line does.

    `python -m sim <config_overrides(config)>` runs replication 0 of the configuration,
    whose seed `sim.run.seeds.replication_seeds` derives from the base seed (and, without
    common random numbers, the configuration); using the base seed directly would run
    another negotiation than the one the page prints.
    """
    from sim.run.seeds import replication_seeds

    return replication_seeds(replace(config, replications=1))[0]


def _label_error(message: str) -> str:
    """A configuration error in the words of the controls.

    `cost.meeting_usd = -5.0 is not allowed: expected a number >= 0.0 ...` becomes
    `Meeting cost (USD): -5.0 is not allowed; expected a number >= 0.0 ... (cost.meeting_usd).`
    """
    labels = {key: label for key, label in NUMBERS.values()} | {"seed": "Seed"}
    match = re.match(
        r"(?P<key>\S+) = (?P<value>.+?) is not allowed: expected (?P<allowed>.+)$", message
    )
    if match and match["key"] in labels:
        return (
            f"{labels[match['key']]}: {match['value']} is not allowed; "
            f"expected {match['allowed']} ({match['key']})."
        )
    return message


def with_design(setup: Setup, which: str, **changes: object) -> Setup:
    """`setup` with design A's or B's fields changed (B copies A when first switched on)."""
    if which == "A":
        return replace(setup, design=replace(setup.design, **changes))
    base = setup.compare if setup.compare is not None else setup.design
    return replace(setup, compare=replace(base, **changes))
