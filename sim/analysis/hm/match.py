"""The whole procedure: waves, the plausible set, left-out calibrations, verdict stability.

`history_match` runs the waves of `sim.analysis.hm.waves` on the negotiations the
configuration judges on, settles the run points' borderline verdicts with more
replications (`sim.analysis.hm.settle`), then (optionally) each leave-one-out
calibration - the first wave's emulators of a pair of negotiations select points the
pair does not rule out, which are run in all three, so the third is scored on what the
pair allows - and the stability check, which repeats the whole verdict (first runs and
settling rounds) with another seed on the plausible points, the borderline ones and
the ruled-out ones nearest the cutoff, and counts the verdicts that change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis.calibration import CalibrateConfig, compose_negotiations
from sim.analysis.hm.design import nroy_candidates, sobol_unit, to_values
from sim.analysis.hm.implausibility import BORDERLINE, PLAUSIBLE, RULED_OUT
from sim.analysis.hm.settle import CONFIRM_SEED_OFFSET, settle
from sim.analysis.hm.summaries import Summary
from sim.analysis.hm.waves import (
    Wave,
    emulated_keep,
    first_design,
    fit_emulators,
    judge_runs,
    next_points,
    run_points,
    unit_rows,
)
from sim.run.batch import Execution

__all__ = ["Matched", "history_match"]

log = logging.getLogger(__name__)
STABILITY_SEED_OFFSET = 1_000_003  # another seed for the stability re-runs


@dataclass
class Matched:
    """Everything the reports read."""

    cfg: CalibrateConfig
    summaries: list[Summary]
    judged: list[Summary]
    waves: list[Wave]
    points: pd.DataFrame  # every wave's run points, with their implausibilities and verdict
    nroy: pd.DataFrame  # parameter values of the final NROY candidates (the emulators' verdict)
    nroy_share: list[float]  # per wave, the share of the prior its emulators leave not ruled out
    unreachable: list[str] = field(default_factory=list)  # summaries no first-wave point came near
    left_out: dict[str, pd.DataFrame] = field(default_factory=dict)  # negotiation -> its points
    stability: pd.DataFrame | None = None


def _share_alive(keep, d: int, seed: int, n: int = 20_000) -> float:
    """The share of the prior (a Sobol sample of it) that `keep` does not rule out."""
    return float(keep(sobol_unit(d, n, seed)).mean())


def _reachable(
    judged: list[Summary], table: pd.DataFrame, cutoff: float
) -> tuple[list[Summary], list[str]]:
    """Split the judged summaries: those some first-wave point comes within the cutoff of.

    A target no point of a space-filling design over the whole prior comes near is one
    the mechanisms cannot make (given the discrepancy stated): a finding, reported, and
    left out of the later waves' verdicts so it does not rule out everything else.
    """
    verdicts = judge_runs(table, judged, cutoff)
    near = [s for s in judged if float(verdicts[f"I:{s.key}"].min()) <= cutoff]
    return near, [s.key for s in judged if s not in near]


def history_match(cfg: CalibrateConfig, out: Path, how: Execution, command: str) -> Matched:
    """Run the waves, the left-out calibrations and the stability check into `out`."""
    space = cfg.space()
    d = len(space.priors)
    summaries = cfg.summaries()
    judged = [s for s in summaries if s.negotiation in cfg.judged]
    waves: list[Wave] = []
    shares: list[float] = []
    unreachable: list[str] = []
    first = 0
    for w, (n, reps) in enumerate(zip(cfg.points, cfg.replications, strict=True), start=1):
        designs = compose_negotiations(cfg, cfg.seed, reps)
        if w == 1:
            unit = first_design(space, n, cfg.seed)
        else:
            keep = emulated_keep([x.emulators for x in waves], judged, cfg.cutoff)
            unit = next_points(keep, d, n, cfg.seed + w, cfg.candidates)
            if not len(unit):
                log.warning("wave %d: the emulators rule out every candidate; stopping", w)
                break
        wave = run_points(f"wave_{w}", unit, first, space, designs, summaries, out, how, command)
        first += len(unit)
        wave.emulators = fit_emulators(
            summaries, [*waves, wave], cfg.active, cfg.seed + w, cfg.workers
        )
        waves.append(wave)
        if w == 1:
            judged, unreachable = _reachable(judged, wave.table, cfg.cutoff)
            if unreachable:
                log.warning("no first-wave point comes near %s: judged without them", unreachable)
        keep = emulated_keep([x.emulators for x in waves], judged, cfg.cutoff)
        shares.append(_share_alive(keep, d, cfg.seed + 7 * w))
        log.warning("wave %d: %d points run; NROY %.3g of the prior", w, len(unit), shares[-1])
    points = pd.concat([x.table for x in waves], ignore_index=True)
    runs = pd.concat([x.runs for x in waves], ignore_index=True)
    points = _settled(cfg, points, runs, summaries, judged, cfg.seed, "", space, out, how, command)
    keep = emulated_keep([x.emulators for x in waves], judged, cfg.cutoff)
    alive = nroy_candidates(
        keep, d, min(cfg.candidates, 20_000), cfg.seed + 99, pool=cfg.candidates
    )
    nroy = to_values(alive, space.priors)
    matched = Matched(cfg, summaries, judged, waves, points, nroy, shares, unreachable)
    if cfg.left_out:
        matched.left_out = _left_out(cfg, matched, space, out, how, command, first)
        first += sum(len(t) for t in matched.left_out.values())
    if cfg.stability:
        matched.stability = _stability(cfg, matched, space, out, how, command, first)
    return matched


def _settled(
    cfg: CalibrateConfig,
    table: pd.DataFrame,
    runs: pd.DataFrame,
    on: list[Summary],
    judged: list[Summary] | None,
    seed: int,
    prefix: str,
    space,
    out: Path,
    how: Execution,
    command: str,
    summaries: list[Summary] | None = None,
) -> pd.DataFrame:
    """`settle` with the calibration's rounds of further replications.

    Verdicts on `on` (the largest over `judged`); round k's designs seeded `seed + k *
    CONFIRM_SEED_OFFSET`; the statistics of `summaries` (default `on`) pooled.
    """
    settled, _ = settle(
        table,
        runs,
        lambda t: judge_runs(t, on, cfg.cutoff, judged),
        cfg.confirm,
        lambda k, reps: compose_negotiations(cfg, seed + k * CONFIRM_SEED_OFFSET, reps),
        prefix=prefix,
        space=space,
        summaries=summaries or on,
        out=out,
        how=how,
        command=command,
    )
    return settled


def _left_out(
    cfg, matched: Matched, space, out, how, command, first: int
) -> dict[str, pd.DataFrame]:
    """For each judged negotiation: run the points its pair's first-wave emulators allow."""
    found = {}
    d = len(space.priors)
    reps = cfg.replications[0]
    designs = compose_negotiations(cfg, cfg.seed, reps)
    for k, name in enumerate(cfg.judged):
        pair = [s for s in matched.judged if s.negotiation != name]
        keep = emulated_keep([matched.waves[0].emulators], pair, cfg.cutoff)
        unit = next_points(keep, d, cfg.left_out_points, cfg.seed + 101 + k, cfg.candidates)
        if not len(unit):
            log.warning("left out %s: the pair rules out every candidate", name)
            continue
        wave = run_points(
            f"left_out_{name}", unit, first, space, designs, matched.summaries, out, how, command
        )
        first += len(unit)
        settled = _settled(
            cfg,
            wave.table,
            wave.runs,
            pair,
            None,
            cfg.seed,
            f"left_out_{name}_",
            space,
            out,
            how,
            command,
            summaries=matched.summaries,
        )
        own = judge_runs(
            settled, [s for s in matched.summaries if s.negotiation == name], cfg.cutoff
        )
        table = settled.drop(columns=[c for c in settled.columns if c.startswith("I:")]).assign(
            pair_plausible=settled["plausible"].to_numpy(),
            pair_verdict=settled["verdict"].to_numpy(),
            pair_max_I=settled["max_I"].to_numpy(),
            own_max_I=own["max_I"].to_numpy(),
            own_plausible=own["plausible"].to_numpy(),
        )
        table = table.drop(columns=["max_I", "max_I_low", "max_I_high", "verdict", "plausible"])
        for column in own.columns:
            if column.startswith("I:"):
                table[column] = own[column].to_numpy()
        found[name] = table
    return found


def _stability(cfg, matched: Matched, space, out, how, command, first: int) -> pd.DataFrame | None:
    """Repeat the verdicts with another seed, settling rounds and all.

    The plausible points, the borderline ones and the ruled-out ones nearest the cutoff
    (up to `stability` of each); first runs at the last wave's replications.
    """
    points = matched.points
    chosen = pd.concat(
        [
            points[points["verdict"] == verdict].nsmallest(cfg.stability, "max_I")
            for verdict in (PLAUSIBLE, BORDERLINE, RULED_OUT)
        ]
    )
    if chosen.empty:
        return None
    seed = cfg.seed + STABILITY_SEED_OFFSET
    designs = compose_negotiations(cfg, seed, cfg.replications[-1])
    wave = run_points(
        "stability",
        unit_rows(chosen, space),
        first,
        space,
        designs,
        matched.summaries,
        out,
        how,
        command,
    )
    again = _settled(
        cfg,
        wave.table,
        wave.runs,
        matched.summaries,
        matched.judged,
        seed,
        "stability_",
        space,
        out,
        how,
        command,
    )
    return pd.DataFrame(
        {
            "point": chosen["point"].to_numpy(),
            "wave": chosen["wave"].to_numpy(),
            "max_I": chosen["max_I"].to_numpy(),
            "verdict": chosen["verdict"].to_numpy(),
            "replications": chosen["replications"].to_numpy(),
            "max_I_again": again["max_I"].to_numpy(),
            "verdict_again": again["verdict"].to_numpy(),
            "replications_again": again["replications"].to_numpy(),
        }
    )
