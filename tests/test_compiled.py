"""The compiled room-days give the numpy model's numbers, bit for bit.

`sim.model.compiled` reproduces `sim.model.days.MeetingDays` operation for operation,
including numpy's summation orders; a last-bit difference would move every row, so
everything here is compared with `==`, never with a tolerance.
"""

from __future__ import annotations

import copy
import dataclasses
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sim.model.compiled.sitter import CompiledDays
from sim.model.compiled.sums import column_sum, pairwise_sum
from sim.model.days import MeetingDays
from sim.model.issue_sets import difference, union
from sim.model.ledger import Ledger
from sim.model.population import build_population
from sim.model.process import Compression, TierPlan, invite_friends
from sim.model.session import Negotiation


def _values(rng: np.random.Generator, shape) -> np.ndarray:
    """Numbers of mixed sign and magnitude: any change of summation order shows."""
    return rng.standard_normal(shape) * 10.0 ** rng.integers(-4, 6, shape)


@pytest.mark.parametrize("n", [*range(0, 140), 255, 256, 257, 1000, 4099, 50_001])
def test_pairwise_sum_is_numpys_sum(n) -> None:
    rng = np.random.default_rng(n)
    values = _values(rng, n)
    assert pairwise_sum(values, 0, n) == values.sum()
    matrix = _values(rng, (n, 3))
    assert pairwise_sum(matrix[:, 1], 0, n) == matrix[:, 1].sum()  # a strided column


@pytest.mark.parametrize("columns", [1, 2, 3, 4, 7, 9])
def test_column_sum_is_numpys_sum_over_rows(columns) -> None:
    rng = np.random.default_rng(columns)
    for rows in (1, 2, 7, 8, 9, 127, 129, 300, 2000):
        matrix = _values(rng, (rows + 5, columns))  # only the first `rows` rows count
        expected = matrix[:rows].sum(axis=0)
        got = [column_sum(matrix, rows, j, columns) for j in range(columns)]
        assert got == list(expected)


@pytest.mark.parametrize("seed", range(20))
def test_issue_sets_are_numpys_set_routines(seed) -> None:
    rng = np.random.default_rng(seed)
    parts = [rng.choice(8, rng.integers(0, 6), replace=False) for _ in range(3)]
    got, expected = union(*parts), np.union1d(np.union1d(parts[0], parts[1]), parts[2])
    assert got.dtype == expected.dtype and np.array_equal(got, expected)
    got, expected = difference(parts[0], parts[1]), np.setdiff1d(parts[0], parts[1])
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


def _random_meeting(cfg, rng: np.random.Generator):
    """A population, a chair's plan and a state in the middle of a process, at random."""
    from sim.model.attendance import AttendancePlan

    pop = build_population(cfg.scenario, rng)
    dl, st = pop.delegations, pop.stakeholders
    n, k = dl.ideal.shape
    days = cfg.scenario.calendar.days
    where = rng.integers(0, 3, k)  # plenary, informal or friends
    if not cfg.process.friends.enabled:
        where[where == 2] = 1
    tiers = TierPlan(
        informal=np.flatnonzero(where == 1),
        friends=np.flatnonzero(where == 2),
        plenary=np.flatnonzero(where == 0),
    )
    invited = invite_friends(cfg.process.friends, dl.expertise, dl.bloc)
    delegates = rng.integers(0, dl.staff + 1)
    in_person = np.where(delegates > 0, rng.integers(1, days + 1, n), 0)
    plan = AttendancePlan(
        delegates=delegates,
        in_person_days=in_person,
        funded=np.zeros(n, dtype=np.int64),
        remote=rng.random(n) < 0.5,
        own_cost_usd=np.zeros(n),
        contribution_usd=np.zeros(n),
        fund_cost_usd=0.0,
    )
    squeeze = Compression(int(rng.integers(1, 4)), float(rng.choice([0.0, 0.5])), 1.0)
    ledger = Ledger(remaining_usd=np.ones(n), fund_remaining_usd=0.0, n_stakeholders=len(st))
    for name in ("influence", "proxy_influence", "present_days", "informal_days"):
        setattr(ledger, name, rng.random(n))
    ledger.stakeholder_influence = rng.random(len(st))
    ledger.movement_total, ledger.movement_closed = float(rng.random()), float(rng.random())
    state = {
        "text": rng.random(k),
        "positions": rng.random((n, k)),
        "ledger": ledger,
        "work_left": rng.random(k) * 10,
    }
    return pop, (plan, tiers, squeeze, invited if len(tiers.friends) else None), state


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["process=friends_of_chair", "funding=hybrid"],
        ["process=two_tier_observers", "behaviour.bloc_coordination=false"],
        ["process=friends_of_chair", "process.friends.selection=bloc", "channels.room_size=false"],
        ["process=open_plenary", "channels.audience_costs=false", "funding=hybrid"],
        ["scenario=bbnj", "process.max_parallel_rooms=3", "behaviour.bloc_proxy_weight=0"],
        ["scenario=small", "process=single_informal_room"],
    ],
)
def test_compiled_days_are_the_numpy_days(compose, overrides) -> None:
    cfg = compose(*overrides)
    rng = np.random.default_rng(len(overrides))
    for _ in range(6):
        pop, meeting, state = _random_meeting(cfg, rng)
        dl, st = pop.delegations, pop.stakeholders
        weights = cfg.behaviour.stakeholder_weight * st.capacity[:, None] * st.salience
        cap_sal = dl.expertise[:, None] * dl.salience
        results = []
        for cls in (MeetingDays, CompiledDays):
            mine = copy.deepcopy(state)
            for _ in range(2):  # a second meeting meets the first one's caches
                work = cls(cfg, pop, cap_sal, weights).sit(*meeting, **mine)
            results.append((mine, work))
        (a, work_a), (b, work_b) = results
        assert np.array_equal(a["text"], b["text"])
        assert np.array_equal(a["positions"], b["positions"])
        assert np.array_equal(a["work_left"], b["work_left"])
        assert vars(a["ledger"]).keys() == vars(b["ledger"]).keys()
        for name, value in vars(a["ledger"]).items():
            assert np.array_equal(value, getattr(b["ledger"], name)), name
        assert np.array_equal(work_a.observed_days, work_b.observed_days)
        assert np.array_equal(work_a.covered_days, work_b.covered_days)
        assert work_a.pace == work_b.pace
        assert work_a.closed_room_days == work_b.closed_room_days


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b, equal_nan=True)
    return a == b


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["process=friends_of_chair", "funding=hybrid"],
        ["scenario=plastics_inc", "cost.meeting_usd=1.5e6"],
    ],
)
def test_a_run_is_the_same_with_either_kernels(compose, overrides) -> None:
    cfg = compose(*overrides)
    for seed in range(2):
        runs = [Negotiation(cfg, seed=seed, kernels=k) for k in ("numpy", "compiled")]
        records = [model.run() for model in runs]
        assert records[0].row.keys() == records[1].row.keys()
        for key, value in records[0].row.items():
            assert _same(value, records[1].row[key]), key
        for key, series in records[0].meeting_series.items():
            pairs = zip(series, records[1].meeting_series[key], strict=True)
            assert all(_same(x, y) for x, y in pairs)
        assert np.array_equal(runs[0].positions, runs[1].positions)
        assert np.array_equal(records[0].unhurried_text, records[1].unhurried_text)


@pytest.mark.parametrize("args", [["--help"], ["scenario.bogus=1"], ["replications=1"]])
def test_help_errors_and_a_lone_run_import_no_numba(args, tmp_path) -> None:
    """numba costs ~0.6 s to import and load: only runs that repay it may pay it."""
    import subprocess
    import sys

    from tests.shared import ROOT

    code = (
        "import runpy, sys\n"
        f"sys.argv = ['sim', *{args!r}, 'progress=false', 'hydra.run.dir={tmp_path}']\n"
        "try:\n    runpy.run_module('sim', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('numba' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr[-2000:]


def test_a_build_from_other_sources_is_not_used(monkeypatch) -> None:
    from sim.model.compiled import load

    load.ahead_of_time.cache_clear()
    monkeypatch.setattr(load, "source_hash", lambda: "edited-since")
    try:
        assert not load.ahead_of_time()  # the stamp names other sources: just in time
    finally:
        monkeypatch.undo()
        load.ahead_of_time.cache_clear()


@pytest.mark.slow
def test_ahead_of_time_and_just_in_time_give_the_same_run(compose, monkeypatch) -> None:
    """Both builds come from the same functions; a whole run through each is the same."""
    from sim.model.compiled import load

    if not load.ahead_of_time():
        pytest.skip("no ahead-of-time build (make kernels)")
    cfg = compose("process=friends_of_chair", "funding=hybrid")
    built = Negotiation(cfg, seed=3, kernels="compiled").run().row
    from sim.model.compiled import mechanisms, sitter

    for module in (sitter, mechanisms):  # they hold `kernels` by name
        monkeypatch.setattr(module, "kernels", load.just_in_time)
    jitted = Negotiation(cfg, seed=3, kernels="compiled").run().row
    assert all(_same(value, jitted[key]) for key, value in built.items())


@pytest.mark.parametrize("seed", range(12))
def test_compiled_first_passage_is_the_numpy_one(seed) -> None:
    """Ratification days with and without windows, diffusion and late starters, `==`."""
    from sim.model.compiled.mechanisms import CompiledMechanisms
    from sim.model.ratification_clock import PeerGroups, campaign_windows, first_passage

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 250))
    start = np.where(rng.random(n) < 0.3, rng.uniform(0, 4000, n), 0.0)
    pace = rng.uniform(0, 0.004, n) * (rng.random(n) < 0.95)  # a few never start
    need = rng.gamma(2.0, 0.5, n)
    windows = campaign_windows(list(rng.integers(0, 6000, rng.integers(0, 4))), 60.0, 5000.0)
    peers = PeerGroups(rng.integers(0, 6, n), rng.integers(0, 9, n))
    for groups, gain in ((None, 0.0), (peers, 0.0), (peers, float(rng.uniform(0.1, 3.0)))):
        args = (start, pace, need, 5000.0, windows, float(rng.uniform(1, 4)), groups, gain)
        expected = first_passage(*args)
        got = CompiledMechanisms.first_passage(*args)
        assert np.array_equal(got, expected), (groups is None, gain)


def test_compiled_first_passage_of_twin_states_is_the_numpy_one() -> None:
    """Twin states (equal needs, paces, starts) ratify on one day, three at a time.

    The kernel visits only the states still pending, the reference every state: with
    many states done on the same step, a stale or reordered pending list shows here.
    """
    from sim.model.compiled.mechanisms import CompiledMechanisms
    from sim.model.ratification_clock import PeerGroups, campaign_windows, first_passage

    rng = np.random.default_rng(5)
    base = 40
    start = np.repeat(np.where(rng.random(base) < 0.3, rng.uniform(0, 900, base), 0.0), 3)
    pace = np.repeat(rng.uniform(0.001, 0.004, base), 3)
    need = np.repeat(rng.gamma(2.0, 0.5, base), 3)
    peers = PeerGroups(rng.integers(0, 4, 3 * base), rng.integers(0, 5, 3 * base))
    windows = campaign_windows([300, 1200], 45.0, 3000.0)
    args = (start, pace, need, 3000.0, windows, 2.5, peers, 1.7)
    expected = first_passage(*args)
    assert len(np.unique(expected[np.isfinite(expected)])) < np.isfinite(expected).sum()
    assert np.array_equal(CompiledMechanisms.first_passage(*args), expected)


# ----------------------------------------------------------------- where the kernels come from


def test_the_source_hash_is_sixteen_hex_digits_of_every_kernel_source(tmp_path, monkeypatch):
    """The hash names a build and a cache folder: an edit to any kernel source changes it."""
    import hashlib

    import sim.model.compiled as compiled

    for name in compiled.KERNEL_SOURCES:
        (tmp_path / name).write_bytes((compiled.HERE / name).read_bytes())
    monkeypatch.setattr(compiled, "HERE", tmp_path)
    digest = hashlib.sha256()
    for name in compiled.KERNEL_SOURCES:
        digest.update((tmp_path / name).read_bytes())
    assert compiled.source_hash() == digest.hexdigest()[:16]
    seen = {compiled.source_hash()}
    for name in compiled.KERNEL_SOURCES:
        with (tmp_path / name).open("a") as source:
            source.write("\n")
        seen.add(compiled.source_hash())
    assert len(seen) == len(compiled.KERNEL_SOURCES) + 1


def test_the_kernel_cache_is_a_folder_per_source_hash_where_it_may_be_written(
    tmp_path, monkeypatch
):
    """`SIM_KERNEL_CACHE` first, else the sources' `__pycache__`; a read-only place falls
    back to the temporary folder (an installed package must not fail to cache)."""
    import sim.model.compiled as compiled

    monkeypatch.setattr(compiled, "source_hash", lambda: "abc")
    monkeypatch.setenv("SIM_KERNEL_CACHE", str(tmp_path / "cache"))
    assert compiled.cache_dir() == tmp_path / "cache" / "kernels-abc"  # its parent is writable
    (tmp_path / "cache").mkdir()
    assert compiled.cache_dir() == tmp_path / "cache" / "kernels-abc"
    monkeypatch.delenv("SIM_KERNEL_CACHE")
    monkeypatch.setattr(compiled, "HERE", tmp_path)
    assert compiled.cache_dir() == tmp_path / "__pycache__" / "kernels-abc"
    writable = {tmp_path / "__pycache__": False, tmp_path: True}
    monkeypatch.setattr(compiled.os, "access", lambda path, mode: writable.get(Path(path), True))
    (tmp_path / "__pycache__").mkdir()  # exists, and may not be written: the fallback
    fallback = Path(tempfile.gettempdir()) / "negotiation-sim-kernels" / "kernels-abc"
    assert compiled.cache_dir() == fallback
    writable[tmp_path / "__pycache__"] = True
    writable[tmp_path] = False  # the folder itself decides once it exists
    assert compiled.cache_dir() == tmp_path / "__pycache__" / "kernels-abc"


def test_just_in_time_hands_out_each_kernel_modules_entry_point():
    from sim.model.compiled import days, load, meeting, passage

    got = vars(load.just_in_time())
    assert got == {
        "sit_meeting": days.sit_meeting,
        "attend": meeting.attend,
        "spread": meeting.spread,
        "pull": meeting.pull,
        "passage": passage.passage,
    }
    assert set(got) == set(load.ENTRY_POINTS)


@pytest.mark.parametrize(
    ("cached", "built", "at_hand"), [(0, False, False), (1, False, True), (0, True, True)]
)
def test_kernels_are_at_hand_once_loaded_or_when_built_ahead_of_time(
    monkeypatch, cached, built, at_hand
):
    from types import SimpleNamespace

    from sim.model.compiled import load

    info = SimpleNamespace(currsize=cached)
    monkeypatch.setattr(load.kernels, "cache_info", lambda: info)
    monkeypatch.setattr(load, "ahead_of_time", lambda: built)
    assert load.loaded() is at_hand


# ------------------------------ the compiled days on plans the chair rarely makes


def _sit_both(cfg, pop, meetings, state):
    """Each meeting of `meetings` sat in turn by one `MeetingDays` and one `CompiledDays`,
    as a run sits its meetings (each keeps its rooms' layouts or packing from meeting to
    meeting, so a meeting that reuses another's tiers with other friends tests the keys).
    """
    dl, st = pop.delegations, pop.stakeholders
    weights = cfg.behaviour.stakeholder_weight * st.capacity[:, None] * st.salience
    cap_sal = dl.expertise[:, None] * dl.salience
    results = []
    mine = copy.deepcopy(state)
    days = MeetingDays(cfg, pop, cap_sal, weights)
    works = [days.sit(*meeting, **mine) for meeting in meetings]
    results.append((mine, works))
    mine, days = copy.deepcopy(state), CompiledDays(cfg, pop, cap_sal, weights)
    results.append((mine, [days.sit(*meeting, **mine) for meeting in meetings]))
    (a, works_a), (b, works_b) = results
    for name in ("text", "positions", "work_left"):
        assert np.array_equal(a[name], b[name]), name
    for name, value in vars(a["ledger"]).items():
        assert np.array_equal(value, getattr(b["ledger"], name)), name
    for work_a, work_b in zip(works_a, works_b, strict=True):
        assert np.array_equal(work_a.observed_days, work_b.observed_days)
        assert np.array_equal(work_a.covered_days, work_b.covered_days)
        assert work_a.pace == work_b.pace
        assert work_a.closed_room_days == work_b.closed_room_days
    return works_b


@pytest.mark.parametrize("informal", [1, 2, 4])
def test_compiled_days_take_stock_on_a_meetings_last_days(compose, informal) -> None:
    """Every issue behind closed doors, the plenary kept for the last 2 days: numpy's days.

    With one informal issue every day has the same rotation, so only whether the day
    takes stock tells its rooms apart: the last two sit the stocktaking plenary alone.
    """
    cfg = compose("process.stocktaking_days=2")
    pop, (plan, _, squeeze, _), state = _random_meeting(cfg, np.random.default_rng(informal))
    empty = np.zeros(0, dtype=np.int64)
    tiers = TierPlan(informal=np.arange(informal), friends=empty, plenary=empty)
    (work,) = _sit_both(cfg, pop, [(plan, tiers, squeeze, None)], state)
    days = cfg.scenario.calendar.days
    assert work.pace["plenary"] and len(work.pace["plenary"]) == 2
    assert work.closed_room_days == (days - 2) * min(squeeze.tracks, informal)


@pytest.mark.parametrize("stocktaking", [0, 1])
def test_compiled_days_of_a_meeting_with_no_issue_before_it(compose, stocktaking) -> None:
    """Nothing on any agenda: no room sits (or only the last day's empty stocktaking)."""
    cfg = compose(f"process.stocktaking_days={stocktaking}")
    pop, (plan, _, squeeze, _), state = _random_meeting(cfg, np.random.default_rng(7))
    empty = np.zeros(0, dtype=np.int64)
    tiers = TierPlan(informal=empty, friends=empty, plenary=empty)
    (work,) = _sit_both(cfg, pop, [(plan, tiers, squeeze, None)], state)
    assert work.closed_room_days == 0
    assert len(work.pace["plenary"]) == stocktaking


def test_compiled_days_seat_each_meetings_own_friends(compose) -> None:
    """The same tiers with two different invitation lists: each meeting admits its own.

    The packed rooms are kept per plan for the run; the invited are part of the plan.
    """
    cfg = compose("process=friends_of_chair")
    rng = np.random.default_rng(3)
    pop, (plan, _, squeeze, _), state = _random_meeting(cfg, rng)
    n, k = pop.delegations.ideal.shape
    tiers = TierPlan(informal=np.arange(1, k - 1), friends=np.array([0]), plenary=np.array([k - 1]))
    first = np.arange(n) < n // 2
    meetings = [(plan, tiers, squeeze, first), (plan, tiers, squeeze, ~first)]
    _sit_both(cfg, pop, meetings, state)


# What the packed tables hold, by `sim.model.compiled.tables`' fields: the kernels are
# compiled for one signature (the ahead-of-time build exports exactly one, `build`), so
# whatever types the caller's arrays come in, indices and counts reach them as int64,
# values as float64 and masks as bool.
_TABLE_DTYPES = {
    "capability_salience": np.float64,
    "bloc": np.int64,
    "bloc_count": np.float64,
    "stakeholder_weight": np.float64,
    "stakeholder_ideal": np.float64,
    "day_turn": np.int64,
    "turn_start": np.int64,
    "kind": np.int64,
    "step": np.float64,
    "open": np.bool_,
    "issue_start": np.int64,
    "issues": np.int64,
    "admits_row": np.int64,
    "admits": np.bool_,
    "rank": np.int64,
    "factor": np.float64,
    "rules": np.float64,
    "plan_in_person_days": np.int64,
    "plan_delegates": np.int64,
    "plan_remote": np.bool_,
}


@pytest.mark.parametrize("plan_kind", ["friends", "nothing"])
def test_compiled_days_hand_the_kernel_its_one_signature(compose, monkeypatch, plan_kind) -> None:
    """A plan with friends, and one with no issue at all, from oddly typed inputs.

    The population's blocs int32 and stakeholders' ideals float32, the capabilities and
    stakeholder weights float32, the tiers' issues int32, the attendance plan's arrays
    int32 and uint8: `sit_meeting` still receives each table in its one dtype (an empty
    meeting's tables included: no room, no issue, no invitation list).
    """
    from sim.model.compiled import sitter
    from sim.model.compiled.tables import Members, Rooms, Tally

    cfg = compose("process=friends_of_chair", "process.stocktaking_days=0")
    pop, (plan, _, squeeze, _), state = _random_meeting(cfg, np.random.default_rng(5))
    n, k = pop.delegations.ideal.shape
    pop.delegations.bloc = pop.delegations.bloc.astype(np.int32)
    pop.stakeholders.ideal = pop.stakeholders.ideal.astype(np.float32)
    st = pop.stakeholders
    weights = (cfg.behaviour.stakeholder_weight * st.capacity[:, None] * st.salience).astype(
        np.float32
    )
    cap_sal = (pop.delegations.expertise[:, None] * pop.delegations.salience).astype(np.float32)
    if plan_kind == "friends":
        tiers = TierPlan(
            informal=np.arange(1, k - 1, dtype=np.int32),
            friends=np.array([0], dtype=np.int32),
            plenary=np.array([k - 1], dtype=np.int32),
        )
        invited = np.arange(n) % 2 == 0
    else:
        empty = np.zeros(0, dtype=np.int32)
        tiers, invited = TierPlan(informal=empty, friends=empty, plenary=empty), None
    plan = dataclasses.replace(
        plan,
        in_person_days=plan.in_person_days.astype(np.int32),
        delegates=plan.delegates.astype(np.int32),
        remote=plan.remote.astype(np.uint8),
    )
    calls = []
    monkeypatch.setattr(
        sitter, "kernels", lambda: SimpleNamespace(sit_meeting=lambda *args: calls.append(args))
    )
    CompiledDays(cfg, pop, cap_sal, weights).sit(plan, tiers, squeeze, invited, **state)
    names = [*Members._fields, *Rooms._fields, "rules", *Tally._fields]
    names += ["plan_in_person_days", "plan_delegates", "plan_remote", "text", "positions"]
    (args,) = calls
    received = dict(zip(names, args, strict=False))
    for name, dtype in _TABLE_DTYPES.items():
        assert received[name].dtype == dtype, name
