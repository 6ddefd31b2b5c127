"""Calibrate the assumptions on the record: history matching in waves, three negotiations jointly.

History matching (Vernon, Goldstein and Bower 2010; Andrianakis et al. 2015) asks not
"which point fits best" but "which points can the record not rule out". Every target
of the three negotiations' pattern tables is a summary with the interval the record
allows and a stated model discrepancy (`sim.analysis.hm.summaries`). Wave 1 runs a
space-filling design over the priors of every sampled assumption; emulators learn each
summary's expected value and its uncertainty (`sim.analysis.hm.emulator`); a point is
ruled out where any summary's implausibility exceeds the cutoff
(`sim.analysis.hm.implausibility`); each later wave runs points of the region not yet
ruled out (NROY), so the emulators sharpen where it matters. A run point's verdict has
a 95% band from its replications; points whose band straddles the cutoff get the
`confirm` rounds of further replications (`sim.analysis.hm.settle`). The plausible set
is the run points whose band lies within the cutoff. With `left_out`, the calibration
is repeated on each pair of negotiations and the third is scored on the pair's
plausible points (an out-of-sample test); `stability` repeats the verdicts with
another seed to show they do not flip with the draw.

`python -m sim.calibrate` (configs/calibrate.yaml) runs it; the folder's tables are
described in docs/calibration.md. Runs go through the batch runner, so a killed
calibration re-run with the same `out` resumes, and `engine=ray` runs it on a cluster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sim.analysis.experiments import (
    MAX_JOBS,
    MAX_REPLICATIONS,
    check_count,
    check_number,
    check_ranges,
)
from sim.analysis.hm.space import BUDGET_PER_MEETING, Space
from sim.analysis.hm.summaries import Summary, summaries_of
from sim.analysis.patterns import load_patterns
from sim.analysis.priors import ParameterRange, flatten_ranges
from sim.config import ConfigError, SimConfig, set_values
from sim.config.compose import compose_config
from sim.run.command import compose_settings

__all__ = [
    "CalibrateConfig",
    "NegotiationSpec",
    "compose_calibration",
    "compose_negotiations",
    "patterns_path",
]

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class NegotiationSpec:
    """One negotiation of the calibration: its overrides, patterns, own priors, discrepancies."""

    overrides: list[str] = field(default_factory=list)
    patterns: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    discrepancy: dict[str, float] = field(default_factory=dict)


@dataclass
class CalibrateConfig:
    """What `python -m sim.calibrate` samples, runs and judges (configs/calibrate.yaml)."""

    base: list[str] = field(default_factory=list)
    calibrate_on: list[str] = field(default_factory=list)
    only: list[str] = field(default_factory=list)
    points: list[int] = field(default_factory=lambda: [1024, 512, 512])
    replications: list[int] = field(default_factory=lambda: [10, 10, 20])
    confirm: list[int] = field(default_factory=lambda: [40, 80])
    candidates: int = 50_000
    cutoff: float = 3.0
    active: int = 8
    left_out: bool = True
    left_out_points: int = 128
    stability: int = 128
    seed: int = 20240808
    engine: str = "local"
    workers: int = 0
    chunk: int = 32
    out: str | None = None
    # name -> NegotiationSpec; typed Any so that `+negotiations.<name>={...}` can add one
    # from the command line (compose_calibration turns each into a NegotiationSpec)
    negotiations: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def judged(self) -> list[str]:
        """The negotiations whose patterns rule points out."""
        return list(self.calibrate_on or self.negotiations)

    def space(self) -> Space:
        """Every sampled parameter (`only`, or all), shared ones first."""
        priors: dict[str, ParameterRange] = dict(flatten_ranges(self.parameters))
        for name, spec in self.negotiations.items():
            for key, rng in flatten_ranges(spec.parameters).items():
                priors[f"{name}/{key}"] = rng
        if self.only:
            unknown = [k for k in self.only if k not in priors]
            if unknown:
                raise ConfigError(
                    f"only: {unknown} are not sampled parameters ({', '.join(priors)})"
                )
            priors = {k: priors[k] for k in self.only}
        return Space(priors)

    def summaries(self) -> list[Summary]:
        """Every target of every negotiation's pattern table, as history matching reads it."""
        out = []
        for name, spec in self.negotiations.items():
            table = load_patterns(patterns_path(spec.patterns))
            out += summaries_of(table, name, spec.discrepancy)
        return out


def patterns_path(name: str) -> Path:
    """A pattern table's path: as given, or relative to the project (from any folder)."""
    path = Path(name)
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path if (ROOT / path).exists() else path


def compose_calibration(overrides: list[str] | None = None) -> CalibrateConfig:
    """Compose `configs/calibrate.yaml` with `key=value` overrides and check it."""
    cfg = compose_settings("calibrate", CalibrateConfig, list(overrides or []))
    cfg.negotiations = {k: _spec(k, v) for k, v in cfg.negotiations.items()}
    _check(cfg)
    return cfg


def _spec(name: str, value: Any) -> NegotiationSpec:
    """One negotiation's entry as a NegotiationSpec; an unknown key is named."""
    if isinstance(value, NegotiationSpec):
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"negotiations.{name}: expected a mapping, got {value!r}")
    allowed = {f.name for f in fields(NegotiationSpec)}
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ConfigError(
            f"negotiations.{name}: unknown keys {unknown}; allowed: {', '.join(sorted(allowed))}"
        )
    spec = NegotiationSpec(**value)
    spec.overrides = [str(o) for o in spec.overrides]
    return spec


def _check(cfg: CalibrateConfig) -> None:
    if not cfg.points or len(cfg.points) != len(cfg.replications):
        raise ConfigError(
            f"points = {cfg.points} and replications = {cfg.replications}: expected one "
            "number of each per wave (at least one wave)"
        )
    for w, (n, r) in enumerate(zip(cfg.points, cfg.replications, strict=True), start=1):
        check_count(f"points[{w - 1}]", n, 2, MAX_JOBS)
        check_count(f"replications[{w - 1}]", r, 2, MAX_REPLICATIONS)
    for k, r in enumerate(cfg.confirm):
        check_count(f"confirm[{k}]", r, 1, MAX_REPLICATIONS)
    check_count("candidates", cfg.candidates, 100, 10_000_000)
    check_count("active", cfg.active, 1, 1000)
    check_count("left_out_points", cfg.left_out_points, 2, MAX_JOBS)
    check_count("stability", cfg.stability, 0, MAX_JOBS)
    check_count("seed", cfg.seed, 0, 2**63 - 1)
    check_count("chunk", cfg.chunk, 1, MAX_JOBS)
    check_count("workers", cfg.workers, 0, 4096)
    check_number("cutoff", cfg.cutoff, 0.5, 100.0)
    if not cfg.negotiations:
        raise ConfigError("negotiations: at least one negotiation to calibrate on")
    unknown = [n for n in cfg.calibrate_on if n not in cfg.negotiations]
    if unknown:
        raise ConfigError(
            f"calibrate_on: {unknown} not among negotiations ({', '.join(cfg.negotiations)})"
        )
    if cfg.left_out and len(cfg.judged) < 2:
        raise ConfigError("left_out = true needs at least two negotiations to calibrate on")
    for name, spec in cfg.negotiations.items():
        if not spec.patterns:
            raise ConfigError(f"negotiations.{name}.patterns: a pattern table is needed")
    cfg.summaries()  # every table loads and every pattern has its discrepancy
    space = cfg.space()
    if not space.priors:
        raise ConfigError("parameters: at least one parameter to sample")
    for name, rng in space.priors.items():
        if not (math.isfinite(rng.low) and math.isfinite(rng.high) and rng.low < rng.high):
            raise ConfigError(
                f"parameters {name}: expected finite low < high, got {rng.low}, {rng.high}"
            )


def compose_negotiations(
    cfg: CalibrateConfig, seed: int, replications: int
) -> dict[str, SimConfig]:
    """Each negotiation composed once (its overrides on `base`), runs as the calibration runs them.

    Common random numbers (replication r of every point shares its draws, so the
    emulators see the parameters' effect, not the draws'); no rush-cost twin (no pattern
    needs it). Every prior range's ends are checked in every negotiation it applies to.
    """
    designs: dict[str, SimConfig] = {}
    space = cfg.space()
    for name, spec in cfg.negotiations.items():
        try:
            composed = compose_config([*cfg.base, *spec.overrides, "progress=false"])
        except ConfigError as err:
            raise ConfigError(f"negotiations.{name}: {err}") from err
        except Exception as err:  # Hydra names the override
            from sim.errors import one_line

            raise ConfigError(f"negotiations.{name}: {one_line(err)}") from err
        values = {
            "seed": seed,
            "replications": replications,
            "crn": True,
            "measures.rush_cost": False,
        }
        designs[name] = set_values(composed, values)
        keys: dict[str, ParameterRange] = {}
        meetings = composed.scenario.calendar.meetings
        for full, rng in space.restricted({name}).priors.items():
            key = full.rpartition("/")[2]
            if key == BUDGET_PER_MEETING:  # the budget this negotiation's range implies
                key, rng = (
                    "cost.process_budget_usd",
                    ParameterRange(rng.low * meetings, rng.high * meetings),
                )
            keys[key] = rng
        check_ranges({name: designs[name]}, keys)
    return designs
