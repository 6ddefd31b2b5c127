"""The profile behind issue 23's unmet targets (benchmarks/breakdown.py) measures what it says.

Its persuasion share zeroes one field of the days' kernel's rules: if the kernel's
arguments were reordered, it would silently zero another, so the field is checked
against the configuration here. Its kernel clock must hand the kernels back unwrapped.
"""

from __future__ import annotations

import sys

from sim.model.compiled import load
from sim.model.session import Negotiation
from tests.shared import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import breakdown


def test_the_clock_records_the_meetings_and_hands_the_kernels_back(compose) -> None:
    cfg = compose()
    before = {name: getattr(load.kernels(), name) for name in load.ENTRY_POINTS}
    with breakdown.KernelClock() as clock:
        record = Negotiation(cfg, seed=0).run()
    assert {name: getattr(load.kernels(), name) for name in load.ENTRY_POINTS} == before
    twin_meetings = Negotiation(cfg, seed=0, unhurried=True, collect=False)
    twin_meetings.run()
    assert clock.calls["sit_meeting"] == record.meetings_held + twin_meetings.meeting
    assert len(clock.recorded) == clock.calls["sit_meeting"]
    assert clock.seconds["sit_meeting"] > 0
    rules = clock.recorded[0][breakdown.RULES_AT]
    assert rules[breakdown.PERSUASION] == cfg.behaviour.persuasion_rate
    assert rules[breakdown.PERSUASION + 1] == cfg.behaviour.confidence


def test_the_table_has_every_part() -> None:
    rows = breakdown.breakdown(runs=2, rounds=1)
    parts = [part.strip() for part, _, _ in rows]
    assert parts[0].startswith("a default run")
    assert any("twin" in part for part in parts)
    assert any("persuasion" in part for part in parts)
    assert all(figure for _, figure, _ in rows)
