"""The seed's causal story (DESIGN.md section 8): each channel's comparative static.

Pre-registered before the calibrated defaults were looked at: 30 replications per arm
from the fixed base seed, one-sided Welch t and Mann-Whitney U tests, both at
alpha = 0.01 (`conftest.compare`). A channel "switched off removes its effect" when,
with the channel off, the same comparison is not significant (two-sided Welch
p >= 0.01) and its mean difference is at most half the difference with the channel on.

- compression: dearer meetings against the same budget lower the informal coverage
  and the voice share of low-income delegations (no participation funding);
- closing doors: dearer meetings send more issues behind closed doors at the meeting
  informal rooms open, and lower the stakeholders' share of influence;
- holdout accommodation: a halved process budget raises the rush cost (distance from
  the same run's unhurried text) and the distance from civil society;
- the shadow of the vote: consensus_only ends closer to the holdouts (more holdout
  pull) than consensus_then_vote, and both differ from two_thirds_vote.

Where the calibrated default does not make a pre-registered claim, the test is a strict
expected failure whose reason gives the figures and the mechanism: those are findings
(docs/ODD.md, section 9), kept visible rather than tuned away.
`scripts/posterior_claims.py` measures how robust each claim is across the
calibration's accepted set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

ALPHA = 0.01  # the suite's significance level (tests/validation/conftest.py)
HALF = 0.5  # "removes its effect": at most half the effect with the channel on


def _welch(a: pd.Series, b: pd.Series) -> float:
    """Two-sided Welch p-value (1 when both arms are the same constant)."""
    a, b = a.dropna(), b.dropna()
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return 1.0 if a.iloc[0] == b.iloc[0] else 0.0
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _removed(record, label: str, on: tuple, off: tuple) -> bool:
    """Whether switching a channel off removes the effect measured by `on` (high, low arms).

    There must be an effect to remove: significant with the channel on (two-sided Welch
    p < ALPHA); with it off, not significant and at most half as large.
    """
    effect_on = float(on[0].mean() - on[1].mean())
    effect_off = float(off[0].mean() - off[1].mean())
    p_on, p_off = _welch(*on), _welch(*off)
    record(
        f"{label}: effect with the channel on {effect_on:+.4f} (two-sided Welch p={p_on:.2e}), "
        f"off {effect_off:+.4f} (p={p_off:.2e})"
    )
    return p_on < ALPHA and p_off >= ALPHA and abs(effect_off) <= HALF * abs(effect_on)


def _first_informal(meetings: pd.DataFrame) -> pd.Series:
    """Issues behind closed doors at the first meeting informal rooms sat, per run."""
    closed = meetings["informal_issues"] + meetings["friends_issues"]
    opened = meetings[closed > 0]
    return (
        opened.groupby("replication")
        .first()
        .pipe(lambda m: m["informal_issues"] + m["friends_issues"])
    )


# ----------------------------------------------------------------- compression

VOICE_FINDING = pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: low-income delegations' own voice rises with dearer meetings (0.021 at $0.6M, "
        "0.024 at $1.5M; in 71% of accepted points): informal rooms open at a fixed meeting, "
        "so a shorter process spends a larger share of its time in the open plenary, where "
        "low-income delegations sit, although they cover half as many informal room-days"
    ),
)


@pytest.mark.parametrize(
    "metric", ["informal_coverage_LIC", pytest.param("voice_share_LIC", marks=VOICE_FINDING)]
)
def test_dearer_meetings_lower_what_low_income_delegations_cover_and_say(arms, compare, metric):
    result = compare(
        f"{metric}, $1.5M vs $0.6M meetings (funding none)",
        arms["meeting_1.5M"].runs[metric],
        arms["meeting_0.6M"].runs[metric],
        "less",
    )
    assert result.significant, str(result)


def test_dearer_meetings_run_more_parallel_tracks(arms, compare):
    result = compare(
        "parallel_tracks_max, $1.5M vs $0.6M meetings",
        arms["meeting_1.5M"].runs["parallel_tracks_max"],
        arms["meeting_0.6M"].runs["parallel_tracks_max"],
        "greater",
    )
    assert result.significant, str(result)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: without compression dearer meetings still lower low-income coverage by "
        "0.032 of the 0.051 (p = 0.001): the cheap process's informal phase reaches the late "
        "meetings to which delegations send the most delegates; compression carries the rest"
    ),
)
def test_without_compression_meeting_cost_no_longer_reaches_low_income_coverage(arms, record):
    metric = "informal_coverage_LIC"
    assert _removed(
        record,
        f"{metric}, $1.5M - $0.6M, compression on vs off",
        (arms["meeting_1.5M"].runs[metric], arms["meeting_0.6M"].runs[metric]),
        (
            arms["meeting_1.5M_no_compression"].runs[metric],
            arms["meeting_0.6M_no_compression"].runs[metric],
        ),
    )


# ----------------------------------------------------------------- closing doors

DOORS_SATURATED = pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: all four issues go behind closed doors at the first informal meeting in "
        "both arms: the calibrated threshold (0.06) lies below every issue's disagreement, so "
        "the doors close completely as soon as rooms may sit and pressure has nothing left to "
        "close"
    ),
)


@DOORS_SATURATED
def test_dearer_meetings_close_more_doors_when_rooms_open(arms, compare):
    result = compare(
        "issues behind closed doors at the first informal meeting, $1.5M vs $0.6M "
        "(compression off)",
        _first_informal(arms["meeting_1.5M_no_compression"].meetings),
        _first_informal(arms["meeting_0.6M_no_compression"].meetings),
        "greater",
    )
    assert result.significant, str(result)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: the stakeholders' share rises with dearer meetings (0.040 at $0.6M, 0.061 "
        "at $1.5M; in 88% of accepted points): informal rooms may open only from a fixed "
        "meeting (4), so a shorter process keeps a larger share of its meetings open"
    ),
)
def test_dearer_meetings_lower_the_stakeholders_share(arms, compare):
    result = compare(
        "stakeholder_influence_share, $1.5M vs $0.6M meetings",
        arms["meeting_1.5M"].runs["stakeholder_influence_share"],
        arms["meeting_0.6M"].runs["stakeholder_influence_share"],
        "less",
    )
    assert result.significant, str(result)


@DOORS_SATURATED
def test_without_closing_doors_pressure_no_longer_closes_them(arms, record):
    assert _removed(
        record,
        "issues behind closed doors at the first informal meeting, $1.5M - $0.6M, "
        "closing doors on vs off (compression off)",
        (
            _first_informal(arms["meeting_1.5M_no_compression"].meetings),
            _first_informal(arms["meeting_0.6M_no_compression"].meetings),
        ),
        (
            _first_informal(arms["meeting_1.5M_no_doors"].meetings),
            _first_informal(arms["meeting_0.6M_no_doors"].meetings),
        ),
    )


# ----------------------------------------------------------------- holdouts


HALVED_BUDGET_IS_NEAR_THE_EDGE = (
    "finding (since the per-stage random streams): a halved budget raises the "
    "rush cost (0.059 vs 0.050, Welch p = 0.12) and civil society's distance (0.338 vs "
    "0.331, p = 0.33) too little to clear 0.01 at 30 runs; on the earlier draw p = 8e-4 and "
    "0.008. Over base seeds 1-4 the rush cost rises by 0.019 on average (0.021 on the "
    "earlier streams): a real but small effect against run-to-run noise, which pairing "
    "under CRN does not remove (test_paired_designs.py)"
)


@pytest.mark.xfail(strict=True, reason=HALVED_BUDGET_IS_NEAR_THE_EDGE)
@pytest.mark.parametrize("metric", ["rush_cost", "text_distance_civil_society"])
def test_a_halved_budget_rushes_the_text(arms, compare, metric):
    result = compare(
        f"{metric}, half vs default process budget",
        arms["half_budget"].runs[metric],
        arms["default"].runs[metric],
        "greater",
    )
    assert result.significant, str(result)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: a halved budget ends the process sooner, so the chair accommodates at fewer "
        "tablings, though each under more pressure: holdout pull 0.170 vs 0.185"
    ),
)
def test_a_halved_budget_buys_more_holdout_pull(arms, compare):
    result = compare(
        "holdout_pull, half vs default process budget",
        arms["half_budget"].runs["holdout_pull"],
        arms["default"].runs["holdout_pull"],
        "greater",
    )
    assert result.significant, str(result)


@pytest.mark.xfail(
    strict=True,
    reason="no effect to remove: a halved budget does not raise the holdout pull (see above)",
)
def test_without_accommodation_a_rushed_text_moves_no_one_toward_the_holdouts(arms, record):
    assert _removed(
        record,
        "holdout_pull, half - default budget, accommodation on vs off",
        (arms["half_budget"].runs["holdout_pull"], arms["default"].runs["holdout_pull"]),
        (
            arms["half_budget_no_accommodation"].runs["holdout_pull"],
            arms["no_accommodation"].runs["holdout_pull"],
        ),
    )


# ----------------------------------------------------------------- the shadow of the vote

RULES_ALIKE = (
    "finding: consensus_only and consensus_then_vote accommodate alike (holdout pull 0.193 "
    "vs 0.185, p = 0.31; consensus_only pulls more in 46% of accepted points): with the "
    "calibrated consensus_value (0.38) the chair still weighs objectors a vote would "
    "outvote, and the fallback vote rarely fails; only two_thirds_vote shapes a different text"
)


@pytest.mark.xfail(strict=True, reason=RULES_ALIKE)
def test_consensus_only_ends_closer_to_the_holdouts(arms, compare):
    result = compare(
        "holdout_pull, consensus_only vs consensus_then_vote",
        arms["consensus_only"].runs["holdout_pull"],
        arms["default"].runs["holdout_pull"],
        "greater",
    )
    assert result.significant, str(result)


@pytest.mark.parametrize("rule", ["consensus_only", "default"])
def test_a_two_thirds_vote_shapes_a_different_text(arms, record, rule):
    a = arms["two_thirds_vote"].runs["holdout_pull"]
    b = arms[rule].runs["holdout_pull"]
    welch = stats.ttest_ind(a, b, equal_var=False).pvalue
    mwu = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
    record(
        f"holdout_pull, two_thirds_vote vs {rule}: {a.mean():.4f} vs {b.mean():.4f}; "
        f"two-sided Welch p={welch:.2e}, Mann-Whitney p={mwu:.2e}"
    )
    assert welch < ALPHA and mwu < ALPHA


@pytest.mark.xfail(strict=True, reason="no effect to remove. " + RULES_ALIKE)
def test_without_the_shadow_of_the_vote_the_rule_stops_shaping_the_text(arms, record):
    assert _removed(
        record,
        "holdout_pull, consensus_only - consensus_then_vote, shadow of the vote on vs off",
        (arms["consensus_only"].runs["holdout_pull"], arms["default"].runs["holdout_pull"]),
        (
            arms["consensus_only_no_shadow"].runs["holdout_pull"],
            arms["no_shadow"].runs["holdout_pull"],
        ),
    )
