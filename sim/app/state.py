"""The app's model side: stepping one or two runs, and what each meeting left.

Plain Python, no Solara and no Plotly, so it is tested without a server or a browser.
A `Session` holds one `Track` per design (one, or two side by side); a `Track` steps a
`NegotiationModel` one meeting at a time and keeps a `MeetingRecord` of each meeting,
read from the model's public state after the step (the ledger's running totals are
differenced). The views draw `TrackView`s: immutable snapshots, so a page rendering
while a run plays never sees a meeting half recorded.

A run's seed is replication 0's as the command line derives it (`run_seed`), so the
printed overrides run the same negotiation under `python -m sim`. Side by side, both
designs run on the same scenario and the same seed: the population
(who negotiates, their budgets, staff, ideals and saliences) is the first draw of the
model's seeded generator and depends on the scenario only, so both runs see exactly
the same delegations. Later draws (who attends intersessional consultations,
ratification waits) come from the same stream in the same order while the two runs
make the same draws.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.app.designs import Design, Setup, build_config, run_seed
from sim.config import INCOME_GROUPS, STAKEHOLDER_KINDS, SimConfig

if TYPE_CHECKING:
    from sim.model import NegotiationModel
    from sim.model.record import RunRecord

__all__ = [
    "MeetingRecord",
    "People",
    "Rooms",
    "Session",
    "Track",
    "TrackView",
]

# ----------------------------------------------------------------------------- meetings


@dataclass(frozen=True)
class Rooms:
    """The rooms a meeting sat: issues by tier, tracks at once, night sittings, doors."""

    plenary: tuple[int, ...]
    informal: tuple[int, ...]
    friends: tuple[int, ...]
    tracks: int  # informal rooms sitting at once
    night_share: float  # a day lengthened by this share (0: no night sitting)
    invited: np.ndarray | None  # bool over delegations: friends of the chair (None: no room)
    observers_in_informal: bool  # stakeholders admitted to the informal rooms


@dataclass(frozen=True)
class MeetingRecord:
    """What one meeting did (N delegations, D issues, G income groups)."""

    number: int  # 1 = the first meeting
    kind: str  # planned | extension
    days: int
    delegates: np.ndarray  # (N,) delegates in person
    present_days: np.ndarray  # (N,) days with someone at the meeting
    informal_days: np.ndarray  # (N,) informal and friends room-days covered
    informal_room_days: int  # informal and friends room-days that sat
    rooms: Rooms
    text: np.ndarray  # (D,) the draft after the meeting
    pressure: float
    budget_left_usd: float  # the process budget still unspent
    cost_usd: float
    voice: np.ndarray  # (G,) own share of the delegations' influence so far
    voice_proxied: np.ndarray  # (G,) carried for absent members by bloc coordinators
    tabled: bool
    objectors: int | None  # present objectors at the tabling (None: not tabled)
    adopted_by: str | None


class _TierTap:
    """Keeps the last tiers and compression `Chair.choose_tiers` returned; changes nothing.

    The model decides a meeting's rooms inside `step` and keeps only the closed issues;
    the tap wraps the chair's public method on this one instance and passes every call
    and result through untouched (a test checks the run is the same with and without).
    """

    def __init__(self, chair) -> None:
        self._choose = chair.choose_tiers
        self.last = None
        chair.choose_tiers = self

    def __call__(self, *args, **kwargs):
        result = self._choose(*args, **kwargs)
        self.last = result
        return result


@dataclass(frozen=True)
class People:
    """Who negotiates, fixed for a run: what the views sort, group and compare by."""

    issues: tuple[str, ...]
    names: np.ndarray  # (N,)
    iso3: np.ndarray  # (N,)
    income: np.ndarray  # (N,) index into INCOME_GROUPS
    region: np.ndarray  # (N,)
    budget_usd: np.ndarray  # (N,)
    staff: np.ndarray  # (N,)
    ideals: dict[str, np.ndarray]  # group -> (D,) mean original ideal
    zero_draft: np.ndarray  # (D,)

    @classmethod
    def of(cls, model: NegotiationModel) -> People:
        dl, st = model.population.delegations, model.population.stakeholders
        ideals: dict[str, np.ndarray] = {}
        for k, group in enumerate(INCOME_GROUPS):
            if (dl.income == k).any():
                ideals[group] = dl.ideal[dl.income == k].mean(axis=0)
        for k, kind in enumerate(STAKEHOLDER_KINDS):
            if (st.kind == k).any():
                ideals[kind] = st.ideal[st.kind == k].mean(axis=0)
        return cls(
            issues=tuple(model.population.issues),
            names=np.asarray(dl.name, dtype=str),
            iso3=np.asarray(dl.iso3, dtype=str),
            income=np.asarray(dl.income),
            region=np.asarray(dl.region),
            budget_usd=np.asarray(dl.budget_usd, dtype=float),
            staff=np.asarray(dl.staff),
            ideals=ideals,
            zero_draft=model.zero_draft.copy(),
        )


@dataclass(frozen=True)
class TrackView:
    """A snapshot of one run for the views: nothing in it changes after it is taken."""

    name: str  # "A" or "B"
    design: Design
    config: SimConfig
    people: People
    records: tuple[MeetingRecord, ...]
    row: dict[str, object] | None  # the run's metrics once it has ended

    @property
    def meetings(self) -> int:
        return len(self.records)

    @property
    def finished(self) -> bool:
        return self.row is not None

    @property
    def planned_meetings(self) -> int:
        return self.config.scenario.calendar.meetings


class Track:
    """One design's run, stepped a meeting at a time, with a record of every meeting."""

    def __init__(self, name: str, design: Design, config: SimConfig) -> None:
        from sim.model import NegotiationModel  # mesa is slow to import

        self.name, self.design, self.config = name, design, config
        self.model = NegotiationModel(config, seed=run_seed(config))
        self._tap = _TierTap(self.model.chair)
        self.people = People.of(self.model)
        self.records: tuple[MeetingRecord, ...] = ()
        self.record: RunRecord | None = None

    @property
    def finished(self) -> bool:
        return self.record is not None

    def view(self) -> TrackView:
        record = self.record  # read once: a run may end while the view is taken
        return TrackView(
            name=self.name,
            design=self.design,
            config=self.config,
            people=self.people,
            records=self.records,
            row=None if record is None else record.row,
        )

    def step(self) -> MeetingRecord | None:
        """Hold the next meeting; end the run when it was the last. None if it had ended."""
        if self.finished:
            return None
        model = self.model
        kind = model.next_meeting()
        if not model.running or kind is None:
            self._finish()
            return None
        led = model.ledger
        before = (
            led.present_days.copy(),
            led.informal_days.copy(),
            int(led.informal_room_days),
            int(led.days_held),
        )
        self._tap.last = None
        model.step()
        if self._tap.last is None:  # the model changed: say so instead of drawing nonsense
            raise RuntimeError("the meeting chose no tiers: Chair.choose_tiers was not called")
        record = self._record(kind, before)
        self.records = (*self.records, record)
        if not model.running or model.next_meeting() is None:
            self._finish()
        return record

    def _finish(self) -> None:
        """Close the run: `run()` holds no further meeting, draws ratification, the rush cost."""
        self.record = self.model.run()

    def _record(self, kind: str, before: tuple) -> MeetingRecord:
        model = self.model
        led, dl = model.ledger, model.population.delegations
        tiers, squeeze = self._tap.last
        invited = None
        if len(tiers.friends):
            invited = model.chair.invite_friends(dl.expertise, dl.bloc)
        delegation_total = led.influence.sum() + led.proxy_influence.sum()
        own = np.zeros(len(INCOME_GROUPS))
        proxied = np.zeros(len(INCOME_GROUPS))
        if delegation_total > 0:
            for k in range(len(INCOME_GROUPS)):
                members = dl.income == k
                own[k] = led.influence[members].sum() / delegation_total
                proxied[k] = led.proxy_influence[members].sum() / delegation_total
        decision = model.meeting_log.get("decision")
        return MeetingRecord(
            number=model.meeting,
            kind=kind,
            days=int(led.days_held) - before[3],
            delegates=np.array(model.attendance.delegates, copy=True),
            present_days=led.present_days - before[0],
            informal_days=led.informal_days - before[1],
            informal_room_days=int(led.informal_room_days) - before[2],
            rooms=Rooms(
                plenary=tuple(int(j) for j in tiers.plenary),
                informal=tuple(int(j) for j in tiers.informal),
                friends=tuple(int(j) for j in tiers.friends),
                tracks=int(squeeze.tracks),
                night_share=float(squeeze.night_share),
                invited=invited,
                observers_in_informal=bool(self.config.process.observers_in_informal),
            ),
            text=model.chair.text.copy(),
            pressure=float(model.pressure),
            budget_left_usd=float(model.purse.remaining_usd),
            cost_usd=float(model.meeting_log.get("cost_usd", np.nan)),
            voice=own,
            voice_proxied=proxied,
            tabled=decision is not None,
            objectors=None if decision is None else int(decision.objectors),
            adopted_by=None if decision is None else decision.adopted_by,
        )


# ----------------------------------------------------------------------------- sessions


@dataclass
class Session:
    """One design's run, or two side by side on the same scenario and seed."""

    setup: Setup
    tracks: list[Track] = field(init=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        setup = self.setup
        configs = [build_config(setup.scenario, d, setup.seed) for d in setup.designs()]
        self.tracks = [
            Track(name, design, config)
            for name, design, config in zip("AB", self.setup.designs(), configs, strict=False)
        ]

    @property
    def meeting(self) -> int:
        """Meetings held so far by the longer-running design."""
        return max(len(t.records) for t in self.tracks)

    @property
    def finished(self) -> bool:
        return all(t.finished for t in self.tracks)

    def step(self) -> bool:
        """One meeting in every design still running; False when all had ended."""
        with self._lock:
            stepped = [t.step() is not None for t in self.tracks if not t.finished]
        return any(stepped)

    def run(self) -> None:
        """Every remaining meeting (a default run takes milliseconds)."""
        while not self.finished:
            self.step()

    def views(self) -> list[TrackView]:
        with self._lock:
            return [t.view() for t in self.tracks]

    @classmethod
    def replayed(cls, setup: Setup, meetings: int) -> Session:
        """A new session for `setup`, run on to `meetings` meetings (or its end).

        Changing a control mid-run shows the new design at the same point of the same
        seed's negotiation: runs are deterministic and a meeting takes milliseconds.
        """
        session = cls(setup)
        while session.meeting < meetings and session.step():
            pass
        return session
