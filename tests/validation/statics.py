"""The comparative statics DESIGN.md section 6 says must hold, as paired claims.

Each is a `sim.analysis.claims.Claim` over arms of the default committee scenario: the
arms run with common random numbers, and a static holds when the 95% interval of the
paired effect lies on its stated side of zero. `STATIC_ARMS` extends the claims' arms
with those only the statics use. The number of runs and the seed of the confirmatory
run are in tests/validation/test_comparative_statics.py, beside the power analysis
that chose them.
"""

from __future__ import annotations

from sim.analysis.claims import ARMS, Claim

__all__ = ["STATICS", "STATIC_ARMS"]

STATIC_ARMS: dict[str, tuple[str, ...]] = {
    **ARMS,
    # twelve planned meetings with the budget for twelve (the same per meeting)
    "meetings_12": ("scenario.calendar.meetings=12", "{budget_x_12_7}"),
    "days_15": ("scenario.calendar.days=15",),
    "delegate_day_1200": ("cost.delegate_day_usd=1200",),
    "cost_sharing": ("funding=cost_sharing",),
    "trust_fund": ("funding=trust_fund",),
}

STATICS: tuple[Claim, ...] = (
    Claim(
        "S1",
        "more meetings lower low-income attendance",
        "default",
        "meetings_12",
        "attendance_rate_LIC",
        -1,
        0.01,
        "LIC attendance: 12 vs 7 meetings",
    ),
    Claim(
        "S2",
        "longer meetings lower low-income attendance",
        "default",
        "days_15",
        "attendance_rate_LIC",
        -1,
        0.01,
        "LIC attendance: 15- vs 10-day meetings",
    ),
    Claim(
        "S3",
        "dearer delegate-days lower low-income attendance",
        "default",
        "delegate_day_1200",
        "attendance_rate_LIC",
        -1,
        0.01,
        "LIC attendance: $1,200 vs $600 a day",
    ),
    Claim(
        "S4",
        "meeting costs shared with delegations lower low-income attendance",
        "default",
        "cost_sharing",
        "attendance_rate_LIC",
        -1,
        0.01,
        "LIC attendance: cost sharing",
    ),
    Claim(
        "S5",
        "a trust fund raises low-income attendance",
        "default",
        "trust_fund",
        "attendance_rate_LIC",
        +1,
        0.01,
        "LIC attendance: trust fund",
    ),
    Claim(
        "S6",
        "parallel informal rooms lower low-income coverage of informal rooms",
        "single_informal_room",
        "default",
        "informal_coverage_LIC",
        -1,
        0.01,
        "LIC informal coverage: two rooms vs one",
    ),
    Claim(
        "S7",
        "closing informal rooms lowers the stakeholders' share",
        "two_tier_observers",
        "default",
        "stakeholder_influence_share",
        -1,
        0.005,
        "stakeholders' share: closed vs observed",
    ),
    Claim(
        "S8a",
        "dearer meetings against a fixed budget: fewer meetings",
        "meeting_0.6M",
        "meeting_1.5M",
        "meetings_held",
        -1,
        0.5,
        "meetings held: $1.5M vs $0.6M",
    ),
    Claim(
        "S8b",
        "dearer meetings: more pressure at the decision",
        "meeting_0.6M",
        "meeting_1.5M",
        "pressure_at_decision",
        +1,
        0.02,
        "pressure at decision: $1.5M vs $0.6M",
    ),
    Claim(
        "S8c",
        "dearer meetings: earlier adoption",
        "meeting_0.6M",
        "meeting_1.5M",
        "adoption_day",
        -1,
        30.0,
        "adoption day: $1.5M vs $0.6M",
    ),
    Claim(
        "S8d",
        "dearer meetings: a text further from the median ideal",
        "meeting_0.6M",
        "meeting_1.5M",
        "text_distance_median_state",
        +1,
        0.005,
        "median state's distance: $1.5M vs $0.6M",
    ),
)
"""DESIGN.md section 6's comparative statics, each in the direction it states."""
