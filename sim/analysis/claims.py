"""The seed's claims and the design table's contrasts, as paired effects with intervals.

A *claim* compares two arms of the default committee scenario (a list of overrides
each, e.g. $0.6M against $1.5M meetings) on one outcome, in a direction the seed states
(dearer meetings *lower* low-income delegations' coverage). Both arms run with common
random numbers, so replication r of each faces the same delegations and draws, and the
effect is the mean paired difference b - a with its 95% t interval. A claim *holds*
when that interval lies on the stated side of zero; one whose interval spans zero, or
lies on the other side, is a finding about the model, reported with its interval.

Used by scripts/seed_claims.py (the claims at one point), `python -m sim.claims` (the
claims across a calibration's plausible set) and the validation suite. Only
`sim.config.compose_config` and `sim.run.replications` are needed, so the same
definitions measure an older checkout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "ARMS",
    "BUDGET_SHARES",
    "CLAIMS",
    "CONTRASTS",
    "STUDIED",
    "Claim",
    "arms_of",
    "differing_keys",
    "evaluate",
    "paired",
    "required_runs",
    "run_arms",
]


@dataclass(frozen=True)
class Claim:
    """Arm b against arm a on `outcome`: the seed says b - a has the sign of `direction`."""

    key: str
    text: str
    a: str  # arm names (`ARMS`)
    b: str
    outcome: str
    direction: int  # +1: b above a; -1: b below a
    smallest: float  # the smallest effect that matters, in the outcome's units (power analysis)
    short: str = ""  # a label for a figure's axis


ARMS: dict[str, tuple[str, ...]] = {
    "default": (),
    "meeting_0.6M": ("cost.meeting_usd=6e5",),
    "meeting_1.5M": ("cost.meeting_usd=1.5e6",),
    "half_budget": ("{half_budget}",),
    "consensus_only": ("decision=consensus_only",),
    "two_thirds_vote": ("decision=two_thirds_vote",),
    "open_plenary": ("process=open_plenary",),
    "two_tier_observers": ("process=two_tier_observers",),
    "single_informal_room": ("process=single_informal_room",),
    "friends_of_chair": ("process=friends_of_chair",),
}
"""The arms the claims compare, as overrides of the default ("{half_budget}": half its budget)."""

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "1a",
        "dearer meetings cut low-income delegations' informal coverage",
        "meeting_0.6M",
        "meeting_1.5M",
        "informal_coverage_LIC",
        -1,
        0.02,
        "LIC informal coverage: dear vs cheap meetings",
    ),
    Claim(
        "1b",
        "dearer meetings cut low-income delegations' own voice",
        "meeting_0.6M",
        "meeting_1.5M",
        "voice_share_LIC",
        -1,
        0.002,
        "LIC own voice: dear vs cheap meetings",
    ),
    Claim(
        "1c",
        "dearer meetings cut low-income delegations' attendance",
        "meeting_0.6M",
        "meeting_1.5M",
        "attendance_rate_LIC",
        -1,
        0.02,
        "LIC attendance: dear vs cheap meetings",
    ),
    Claim(
        "2",
        "dearer meetings cut the stakeholders' share of influence",
        "meeting_0.6M",
        "meeting_1.5M",
        "stakeholder_influence_share",
        -1,
        0.005,
        "stakeholders' share: dear vs cheap meetings",
    ),
    Claim(
        "3a",
        "a rushed process (half the budget) ends further from civil society",
        "default",
        "half_budget",
        "text_distance_civil_society",
        +1,
        0.01,
        "civil society's distance: half budget",
    ),
    Claim(
        "3b",
        "a rushed process ends further from the median state",
        "default",
        "half_budget",
        "text_distance_median_state",
        +1,
        0.01,
        "median state's distance: half budget",
    ),
    Claim(
        "3c",
        "a rushed process ends further from the unhurried text (rush cost)",
        "default",
        "half_budget",
        "rush_cost",
        +1,
        0.01,
        "rush cost: half budget",
    ),
    Claim(
        "4",
        "closing the informal tier to observers cuts the stakeholders' share",
        "two_tier_observers",
        "default",
        "stakeholder_influence_share",
        -1,
        0.005,
        "stakeholders' share: closed vs observed informals",
    ),
    Claim(
        "5a",
        "under consensus alone the chair buys holdouts more than with a fallback vote",
        "default",
        "consensus_only",
        "holdout_pull",
        +1,
        0.005,
        "holdout pull: consensus only vs fallback vote",
    ),
    Claim(
        "5b",
        "a two-thirds vote rule shapes a different text than consensus",
        "default",
        "two_thirds_vote",
        "holdout_pull",
        -1,
        0.005,
        "holdout pull: two-thirds vote vs consensus",
    ),
    Claim(
        "6a",
        "closed doors buy agreement: fewer objectors at the end than the open plenary",
        "open_plenary",
        "default",
        "objectors_at_decision",
        -1,
        1.0,
        "objectors: two tiers vs open plenary",
    ),
    Claim(
        "6b",
        "closed doors buy a narrower gap between stances and text than the open plenary",
        "open_plenary",
        "default",
        "stance_gap",
        -1,
        0.005,
        "stance gap: two tiers vs open plenary",
    ),
    Claim(
        "6c",
        "closed doors cost inclusiveness: low-income delegations' own voice falls",
        "open_plenary",
        "default",
        "voice_share_LIC",
        -1,
        0.002,
        "LIC own voice: two tiers vs open plenary",
    ),
)
"""The seed's claims (scripts/seed_claims.py numbers them as the issue does) and the trade-off."""


def _contrasts() -> tuple[Claim, ...]:
    """Each closed design against the open plenary, on the trade-off's four outcomes."""
    designs = {
        "T": ("default", "two tiers"),
        "O": ("two_tier_observers", "two tiers with observers"),
        "S": ("single_informal_room", "one informal room"),
        "F": ("friends_of_chair", "friends of the chair"),
    }
    outcomes = (  # (suffix, outcome, what the trade-off says the closed room does, smallest)
        ("days", "days_held", "reaches a text in fewer days", 5.0),
        ("objectors", "objectors_at_decision", "meets fewer objectors at the end", 1.0),
        ("stakeholders", "stakeholder_influence_share", "cuts the stakeholders' share", 0.01),
        ("voice", "voice_share_LIC", "cuts low-income delegations' own voice", 0.002),
    )
    seed = {(c.a, c.b, c.outcome) for c in CLAIMS}  # 6a and 6c already are two contrasts
    return tuple(
        Claim(
            f"D{code}-{suffix}",
            f"{name} against the open plenary: {says}",
            "open_plenary",
            arm,
            outcome,
            -1,
            smallest,
            f"{name} vs open plenary",
        )
        for code, (arm, name) in designs.items()
        for suffix, outcome, says, smallest in outcomes
        if ("open_plenary", arm, outcome) not in seed
    )


CONTRASTS: tuple[Claim, ...] = _contrasts()
"""The design table's contrasts (docs/design_table.md, funding none), read as the trade-off's
claims: a closed design reaches a text sooner and over fewer objectors, and costs the
stakeholders' share and low-income voice. Not the seed's claims, so not pre-registered at
the default (the design table has their intervals there); `python -m sim.claims` reads
them across the plausible set."""

STUDIED: tuple[Claim, ...] = (*CLAIMS, *CONTRASTS)
"""What `python -m sim.claims` measures at each plausible point: the claims, then the contrasts."""


def arms_of(claims: Sequence[Claim], catalogue: Mapping[str, Sequence[str]] = ARMS) -> list[str]:
    """The arms the claims need, in the catalogue's order."""
    needed = {c.a for c in claims} | {c.b for c in claims}
    return [a for a in catalogue if a in needed]


BUDGET_SHARES = {"{half_budget}": 0.5, "{budget_x_12_7}": 12 / 7}
"""Arm overrides that set the process budget as a share of the point's own."""


def _overrides(overrides: Sequence[str], budget: float) -> list[str]:
    return [
        f"cost.process_budget_usd={budget * BUDGET_SHARES[o]}" if o in BUDGET_SHARES else o
        for o in overrides
    ]


def run_arms(
    arms: Sequence[str],
    replications: int,
    seed: int,
    base: Sequence[str] = (),
    values: Mapping[str, object] | None = None,
    rush_cost: bool = True,
    catalogue: Mapping[str, Sequence[str]] = ARMS,
) -> dict[str, pd.DataFrame]:
    """Each arm's runs, paired by replication (common random numbers), at one point.

    Arms are named in `catalogue` (default `ARMS`).

    `base` overrides and `values` (dotted keys, e.g. a calibration point) apply to every
    arm, except the keys that define an arm's design (an informal-room count set by
    `process=single_informal_room` stays 1 whatever the point says); the half budget is
    half of the point's own.
    """
    from sim.config import compose_config
    from sim.run.replications import run_replications

    common = [
        f"seed={seed}",
        f"replications={replications}",
        "progress=false",
        "crn=true",
        f"measures.rush_cost={str(rush_cost).lower()}",
        *base,
    ]
    values = dict(values or {})
    default = compose_config(common)
    point = _with(default, values)
    out = {}
    for arm in arms:
        overrides = _overrides(catalogue[arm], point.cost.process_budget_usd)
        cfg = compose_config([*common, *overrides])
        defining = differing_keys(default, cfg)
        cfg = _with(cfg, {k: v for k, v in values.items() if k not in defining})
        out[arm] = run_replications(cfg, with_delegations=False).runs.set_index("replication")
    return out


def _with(cfg, values: Mapping[str, object]):
    """`cfg` with dotted `values` set (none: itself)."""
    if not values:
        return cfg
    from sim.config import set_values

    return set_values(cfg, dict(values))


def _flat(node: object, prefix: str = "") -> dict[str, object]:
    from dataclasses import asdict, is_dataclass

    items = asdict(node) if is_dataclass(node) else node
    out: dict[str, object] = {}
    for key, value in items.items():
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def differing_keys(a, b) -> set[str]:
    """The dotted keys on which two configurations differ."""
    fa, fb = _flat(a), _flat(b)
    return {k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}


def paired(a: pd.Series, b: pd.Series) -> dict[str, float]:
    """Mean paired difference b - a, its 95% t interval and sd, over replications both define."""
    d = (pd.to_numeric(b, errors="coerce") - pd.to_numeric(a, errors="coerce")).dropna()
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    sd = float(d.std(ddof=1)) if n > 1 else math.nan
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n) if n > 1 else math.nan
    if n > 1 and sd == 0:
        half = 0.0
    return {"n": n, "effect": mean, "low": mean - half, "high": mean + half, "sd": sd}


def required_runs(sd: float, effect: float, power: float = 0.99, alpha: float = 0.05) -> int:
    """Runs a paired t test needs to find `effect` with `power` at two-sided `alpha`."""
    if not (math.isfinite(sd) and math.isfinite(effect)) or effect == 0:
        return 10**9
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return max(math.ceil((z * sd / abs(effect)) ** 2), 2)


def evaluate(claims: Sequence[Claim], arms: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per claim: the arms' means, the paired effect, its interval, whether it holds."""
    rows = []
    for c in claims:
        a, b = arms.get(c.a), arms.get(c.b)
        if a is None or b is None or c.outcome not in a or c.outcome not in b:
            rows.append({"claim": c.key, "text": c.text, "outcome": c.outcome, "holds": None})
            continue
        effect = paired(a[c.outcome], b[c.outcome])
        side = effect["low"] > 0 if c.direction > 0 else effect["high"] < 0
        rows.append(
            {
                "claim": c.key,
                "text": c.text,
                "outcome": c.outcome,
                "mean_a": float(pd.to_numeric(a[c.outcome], errors="coerce").mean()),
                "mean_b": float(pd.to_numeric(b[c.outcome], errors="coerce").mean()),
                **effect,
                "direction": c.direction,
                "holds": bool(side) if np.isfinite(effect["low"]) else None,
                "runs_for_smallest": required_runs(effect["sd"], c.smallest),
            }
        )
    return pd.DataFrame(rows)
