"""Build the negotiating population (delegations, stakeholders) from a scenario.

Everything numeric is held as arrays, one row per actor, so the dynamics can work on
all actors present at once. The member-state table is data (a CSV with its sources);
budgets, staff, expertise, blocs and positions are synthetic draws by group, from the
model's own generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS, ScenarioConfig
from sim.config.members import read_member_rows, select_member_rows, table_source

__all__ = [
    "Delegations",
    "Population",
    "Stakeholders",
    "build_population",
]


@dataclass
class Delegations:
    """Member-state delegations as parallel arrays (row i is one delegation)."""

    iso3: np.ndarray
    name: np.ndarray
    income: np.ndarray  # index into INCOME_GROUPS
    region: np.ndarray  # index into REGIONS
    ldc: np.ndarray
    bloc: np.ndarray  # index into Population.bloc_names
    budget_usd: np.ndarray
    staff: np.ndarray
    expertise: np.ndarray
    legislative: np.ndarray
    other_language: np.ndarray
    ideal: np.ndarray  # (n, issues)
    salience: np.ndarray  # (n, issues), rows sum to 1
    reservation: np.ndarray

    def __len__(self) -> int:
        return len(self.iso3)


@dataclass
class Stakeholders:
    """Accredited observer organisations as parallel arrays."""

    kind: np.ndarray  # index into STAKEHOLDER_KINDS
    ideal: np.ndarray
    salience: np.ndarray
    capacity: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)


@dataclass
class Population:
    """Who negotiates: the issues, the blocs, the delegations and the stakeholders."""

    issues: tuple[str, ...]
    bloc_names: tuple[str, ...]
    delegations: Delegations
    stakeholders: Stakeholders


def _dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of `alpha`, vectorised through Gamma draws."""
    draws = rng.gamma(np.maximum(alpha, 1e-9))
    totals = draws.sum(axis=1, keepdims=True)
    return np.where(totals > 0, draws / np.where(totals > 0, totals, 1.0), 1.0 / alpha.shape[1])


def _beta_by_mean(rng: np.random.Generator, mean: np.ndarray, concentration: float):
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)


def _issue_vector(mapping: dict[str, float], issues: tuple[str, ...]) -> np.ndarray:
    return np.array([float(mapping[i]) for i in issues])


def _normalised(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return weights / total if total > 0 else np.full_like(weights, 1.0 / len(weights))


@dataclass(frozen=True)
class _Members:
    """The selected rows of a member table as read-only arrays (shared by replications)."""

    iso3: np.ndarray
    name: np.ndarray
    income: np.ndarray
    region: np.ndarray
    ldc: np.ndarray


def _objects(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@lru_cache(maxsize=16)
def _members(source: tuple[str, str, int, int], include: tuple[str, ...]) -> _Members:
    rows = select_member_rows(read_member_rows(*source)[1], list(include))
    income = {g: i for i, g in enumerate(INCOME_GROUPS)}
    region = {r: i for i, r in enumerate(REGIONS)}
    arrays = _Members(
        iso3=_objects([row["iso3"] for row in rows]),
        name=_objects([row["name"] for row in rows]),
        income=np.array([income[row["income_group"]] for row in rows], dtype=np.int64),
        region=np.array([region[row["un_region"]] for row in rows], dtype=np.int64),
        ldc=np.array([bool(row["ldc"]) for row in rows], dtype=bool),
    )
    for array in vars(arrays).values():
        array.setflags(write=False)
    return arrays


def build_population(scenario: ScenarioConfig, rng: np.random.Generator) -> Population:
    """Draw every delegation's and stakeholder's attributes for one replication."""
    issues = tuple(scenario.issues)
    spec = scenario.delegations
    members = _members(table_source(spec.table), tuple(spec.include))
    n = len(members.iso3)
    income, region = members.income, members.region

    bloc_names = tuple(scenario.blocs)
    shares = np.array(
        [[scenario.blocs[b].share_by_region.get(r, 0.0) for b in bloc_names] for r in REGIONS]
    )
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)[region]
    bloc = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(0, len(bloc_names) - 1)
    centres = np.stack([_issue_vector(scenario.blocs[b].centre, issues) for b in bloc_names])
    bloc_salience = np.stack(
        [_normalised(_issue_vector(scenario.blocs[b].salience, issues)) for b in bloc_names]
    )

    by_group = np.array  # readability: per-income-group lookups below
    budget_median = by_group([spec.budget_usd[g] for g in INCOME_GROUPS])[income]
    staff_mean = by_group([spec.staff_mean[g] for g in INCOME_GROUPS])[income]
    expertise_mean = by_group([spec.expertise_mean[g] for g in INCOME_GROUPS])[income]
    legislative = by_group([spec.legislative_capacity[g] for g in INCOME_GROUPS])[income]
    language_share = by_group([spec.other_language_share.get(r, 0.0) for r in REGIONS])[region]

    delegations = Delegations(
        iso3=members.iso3,
        name=members.name,
        income=income,
        region=region,
        ldc=members.ldc,
        bloc=bloc.astype(np.int64),
        budget_usd=budget_median * np.exp(spec.budget_sigma * rng.standard_normal(n)),
        staff=np.minimum(1 + rng.poisson(staff_mean - 1.0), spec.staff_max).astype(np.int64),
        expertise=_beta_by_mean(rng, expertise_mean, spec.expertise_concentration),
        legislative=legislative.astype(float),
        other_language=rng.random(n) < language_share,
        ideal=np.clip(centres[bloc] + spec.ideal_sd * rng.standard_normal((n, len(issues))), 0, 1),
        salience=_dirichlet_rows(rng, spec.salience_concentration * bloc_salience[bloc]),
        reservation=np.maximum(
            spec.reservation_mean + spec.reservation_sd * rng.standard_normal(n), 0.0
        ),
    )
    return Population(issues, bloc_names, delegations, _stakeholders(scenario, issues, rng))


def _stakeholders(scenario: ScenarioConfig, issues: tuple[str, ...], rng) -> Stakeholders:
    kinds, centres, saliences, capacities = [], [], [], []
    for kind_index, kind in enumerate(STAKEHOLDER_KINDS):
        spec = scenario.stakeholders.get(kind)
        if spec is None or spec.count == 0:
            continue
        kinds.append(np.full(spec.count, kind_index))
        centres.append(np.tile(_issue_vector(spec.centre, issues), (spec.count, 1)))
        saliences.append(
            np.tile(_normalised(_issue_vector(spec.salience, issues)), (spec.count, 1))
        )
        capacities.append(np.full(spec.count, spec.capacity_mean))
    if not kinds:
        empty = np.zeros((0, len(issues)))
        return Stakeholders(np.zeros(0, dtype=np.int64), empty, empty.copy(), np.zeros(0))
    centre = np.concatenate(centres)
    m = len(centre)
    sd = scenario.delegations.ideal_sd
    return Stakeholders(
        kind=np.concatenate(kinds).astype(np.int64),
        ideal=np.clip(centre + sd * rng.standard_normal(centre.shape), 0.0, 1.0),
        salience=_dirichlet_rows(
            rng, scenario.delegations.salience_concentration * np.concatenate(saliences)
        ),
        capacity=_beta_by_mean(rng, np.concatenate(capacities), 10.0).reshape(m),
    )
