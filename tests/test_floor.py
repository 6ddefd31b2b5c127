"""The benchmarks' bare numpy floor stays the model, bit for bit.

benchmarks/floor.py is what `make bench` compares the model's speed against; a floor
that drifted from the model (a new random stream, a new channel) would make that
comparison meaningless, so it is checked here and not only when benchmarking.
"""

from __future__ import annotations

import sys

import pytest

from tests.shared import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import check_floor


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["process=friends_of_chair", "funding=hybrid"],
        ["cost.meeting_usd=1500000", "channels.compression=false"],
        ["decision=two_thirds_vote", "funding=trust_fund"],
    ],
    ids=["default", "friends_hybrid", "dear_no_compression", "two_thirds_trust_fund"],
)
def test_the_floor_ends_where_the_model_ends(compose, overrides) -> None:
    cfg = compose("measures.rush_cost=false", *overrides)
    check_floor(cfg, range(2))
