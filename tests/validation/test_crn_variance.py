"""Common random numbers must narrow the interval of a design difference.

Threshold fixed before the first run of this test (issue 12): on the default
committee scenario, 30 replications per design, the 95% interval of the difference
in low-income attendance (`attendance_rate_LIC`) between two designs is at least
30% narrower when the designs are run with CRN and compared pair by pair (paired t)
than when they are run with independent seeds and compared by Welch's interval.
Checked on two design differences: a process change (two_tier vs open_plenary) and
a funding change (none vs trust_fund).

Result of the first run (kept as found, threshold not moved): the process change
meets it (71% narrower, 12.8x fewer replications); the funding change does not (23%
narrower, 1.7x): a trust fund pays for the poorest delegations' delegates, so their
attendance under it depends much less on the drawn budgets that CRN shares, and the
pairs are less correlated. At version 3's calibrated default the process change gives
78% (21.6x) and the funding change 31% (2.2x): the funding change now sits at the
threshold, where another draw would flip the verdict, so it is reported here and not
checked.
"""

from __future__ import annotations

import pytest

from sim.analysis.paired import variance_reduction
from sim.config import compose_config
from sim.run.replications import run_replications

REPLICATIONS = 30
MIN_WIDTH_REDUCTION = 0.30  # fixed before looking
PAIRS = {
    "process": ("process=two_tier", "process=open_plenary"),
    "funding": ("funding=none", "funding=trust_fund"),
}


def _runs(design: str, crn: bool):
    cfg = compose_config(
        [
            "seed=1",
            f"replications={REPLICATIONS}",
            "measures.rush_cost=false",
            f"crn={str(crn).lower()}",
            design,
        ]
    )
    return run_replications(cfg, with_delegations=False).runs.sort_values("replication")


@pytest.mark.validation
@pytest.mark.parametrize("change", ["process"])
def test_crn_narrows_the_lic_attendance_difference(change: str, record_property) -> None:
    a, b = PAIRS[change]
    metric = "attendance_rate_LIC"
    result = variance_reduction(
        _runs(a, True)[metric].to_numpy(),
        _runs(b, True)[metric].to_numpy(),
        _runs(a, False)[metric].to_numpy(),
        _runs(b, False)[metric].to_numpy(),
    )
    record_property("variance_reduction", repr(result))
    print(f"\n{change}: {result}")
    assert result.width_reduction >= MIN_WIDTH_REDUCTION, result
