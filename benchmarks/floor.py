"""The floor: the model's dynamics as one bare numpy loop, no Mesa and no bookkeeping.

`floor_run(cfg, seed, kernels)` draws the same population from the same generator and applies
the same numerical kernels (attendance, tiers, rooms, seating, drafting, persuasion,
pressure, decision, consultations, ratification) in the same order as
`Negotiation.run` (and its Mesa form `NegotiationModel.run`), but keeps only the state
the dynamics need: no agents, no meeting series, no ledger of presence or influence,
no metrics. Its room-days run on the kernels the model runs (`kernels`: the numpy
reference or the compiled kernels of `sim.model.compiled`, called bare). It ends in the
same text and positions, bit for bit (`check_floor` asserts it for both classes and
both kernels), so the ratio model / floor is what the framework and the measurements
cost on top of the same arithmetic.
"""

from __future__ import annotations

import numpy as np

from sim.config import SimConfig
from sim.model.attendance import MeetingOutlook
from sim.model.dynamics import (
    exposed_concession,
    over_time,
    pressure,
    reservation_now,
    room_pace,
    salience_distance,
)
from sim.model.issue_sets import union
from sim.model.kernels import mechanisms
from sim.model.population import build_population
from sim.model.process import (
    compress,
    door_threshold,
    informal_rooms_open,
    invite_friends,
    plan_tiers,
    plenary_overload,
    room_days_ahead,
    room_ranks,
    rooms_for_day,
    rotation,
    stocktaking,
)
from sim.model.purse import Purse
from sim.model.ratification import ratify as ratify_states
from sim.model.sitting import RoomLayout, seat, sit
from sim.model.streams import stage_streams
from sim.model.tabling import table_draft

__all__ = ["check_floor", "floor_run"]


def _numpy_days(cfg, pop, cap_sal, st_weights):
    """The numpy room-days (`MeetingDays.sit`'s arithmetic), bare: positions, text, work."""
    b, cal, proc, fund, channels = (
        cfg.behaviour,
        cfg.scenario.calendar,
        cfg.process,
        cfg.funding,
        cfg.channels,
    )
    dl, st = pop.delegations, pop.stakeholders
    n = len(dl)
    n_blocs = len(pop.bloc_names) if b.bloc_coordination else 0
    proxy_weight = b.bloc_proxy_weight if b.bloc_coordination else 0.0
    other = dl.other_language
    st_voices = float(st_weights.sum())
    layouts: dict[tuple, RoomLayout] = {}
    seatings: dict[tuple, object] = {}
    scratch = np.zeros(n), np.zeros(n)

    def days(plan, tiers, squeeze, invited, text, positions, work_left):
        night = squeeze.night_share
        observed, covered = np.zeros(n), np.zeros(n)
        by_turn: dict[tuple, tuple] = {}
        for day in range(cal.days):
            turn = (
                rotation(day, tiers, squeeze.tracks),
                stocktaking(day, tiers, cal.days, proc.stocktaking_days),
            )
            if turn not in by_turn:
                rooms = rooms_for_day(day, tiers, proc, invited, squeeze.tracks, cal.days)
                factor = np.ones((n, len(rooms)))
                for j, room in enumerate(rooms):
                    if not room.interpreted:
                        factor[other, j] *= b.uninterpreted_presence
                room_layouts = []
                for room in rooms:
                    key = (room.kind, room.issues.tobytes(), room.open_to_stakeholders, room.step)
                    if key not in layouts:
                        layouts[key] = RoomLayout(
                            issues=room.issues,
                            capability_salience=cap_sal,
                            bloc=dl.bloc,
                            n_blocs=n_blocs,
                            proxy_weight=proxy_weight,
                            stakeholder_ideal=st.ideal if room.open_to_stakeholders else None,
                            stakeholder_weight=st_weights if room.open_to_stakeholders else None,
                            admits=room.invited,
                        )
                    room_layouts.append(layouts[key])
                by_turn[turn] = (
                    rooms,
                    room_layouts,
                    room_ranks(dl.salience, rooms, factor, b.plenary_priority),
                    factor,
                )
            rooms, room_layouts, rank, factor = by_turn[turn]
            in_person = plan.in_person_days >= cal.days - day
            cover = rank < np.where(in_person, plan.delegates, 0)[:, None]
            presence = np.where(cover, factor, 0.0)
            if fund.remote_participation and rooms and rooms[0].kind == "plenary":
                presence[plan.remote & ~in_person, 0] = fund.remote_effectiveness
            for j, room in enumerate(rooms):
                column = presence[:, j]
                covered += column > 0
                if room.open_to_stakeholders:
                    observed += column > 0
                pace = 1.0
                if channels.room_size:
                    voices = float(column.sum()) + (st_voices if room.open_to_stakeholders else 0.0)
                    pace = room_pace(voices, b.room_half_voices)
                time = (1.0 + night) * pace
                work_left[room.issues] -= time / max(len(room.issues), 1)
                step = over_time(room.step, time)
                key = (id(room_layouts[j]), step, column.tobytes())
                if key not in seatings:
                    if len(seatings) > 16:
                        seatings.clear()
                    seatings[key] = seat(room_layouts[j], step, column)
                seating = seatings[key]
                if seating is not None:
                    persuasion, confidence = over_time(b.persuasion_rate, time), b.confidence
                    if room.open_to_stakeholders and channels.audience_costs:
                        persuasion *= 1.0 - b.audience_cost
                        confidence *= 1.0 - b.audience_cost
                    sit(
                        room_layouts[j],
                        step,
                        column,
                        text,
                        positions,
                        influence=scratch[0],
                        proxy_influence=scratch[1],
                        stakeholder_influence=None,
                        confidence=confidence,
                        persuasion_rate=persuasion,
                        seating=seating,
                    )
        return observed, covered

    return days


def _compiled_days(cfg, pop, cap_sal, st_weights):
    """The compiled room-days (`sit_meeting`), bare: positions, text, work; tallies thrown away."""
    from sim.model.compiled.load import kernels
    from sim.model.compiled.sitter import members_for, pack_rooms, ranking_of, rules_for
    from sim.model.compiled.tables import rules_array

    n = len(pop.delegations)
    members = members_for(cfg, pop, cap_sal, st_weights)
    voices = float(st_weights.sum())
    ranking = ranking_of(pop.delegations.ideal)
    packs: dict[tuple, object] = {}
    sink = [np.zeros(n) for _ in range(7)] + [np.zeros(len(pop.stakeholders))]

    def days(plan, tiers, squeeze, invited, text, positions, work_left):
        key = (tiers.informal.tobytes(), tiers.friends.tobytes(), tiers.plenary.tobytes())
        key += (squeeze.tracks, invited is None)
        if key not in packs:
            packs[key] = pack_rooms(cfg, pop, tiers, squeeze.tracks, invited)
        packed = packs[key]
        observed, covered = np.zeros(n), np.zeros(n)
        kernels().sit_meeting(
            *members,
            *packed.rooms,
            rules_array(rules_for(cfg, squeeze.night_share, voices)),
            *sink,
            covered,
            observed,
            work_left,
            np.zeros((cfg.scenario.calendar.days, max(packed.widest, 1))),
            np.zeros(2),
            plan.in_person_days,
            plan.delegates,
            plan.remote,
            text,
            positions,
            ranking,
        )
        return observed, covered

    return days


def floor_run(cfg: SimConfig, seed: int, kernels: str = "numpy") -> dict[str, object]:
    """Run the dynamics of one replication; return the final text, positions and outcome.

    `kernels`: the room-days in numpy or compiled (`sim.model.kernels`), as the model
    runs them: the floor of each is the same arithmetic without the bookkeeping.
    """
    streams = stage_streams(seed)  # one stream per stage, as the model draws them
    pop = build_population(cfg.scenario, streams["population"])
    dl, st = pop.delegations, pop.stakeholders
    b, cal, proc, fund, rule = (
        cfg.behaviour,
        cfg.scenario.calendar,
        cfg.process,
        cfg.funding,
        cfg.decision,
    )
    channels = cfg.channels
    n, n_issues = dl.ideal.shape
    positions = dl.ideal.copy()
    remaining = dl.budget_usd.copy()
    spent = np.zeros(n)
    purse = Purse.from_config(cfg)
    shares = purse.cost_shares(dl.budget_usd)
    fund_remaining = fund.trust_fund_usd
    st_weights = b.stakeholder_weight * st.capacity[:, None] * st.salience
    cap_sal = dl.expertise[:, None] * dl.salience
    text = dl.ideal.mean(axis=0) if n else np.full(n_issues, 0.5)
    zero_draft = text.copy()
    informal_issues = np.array([], dtype=np.int64)
    days = (_compiled_days if kernels == "compiled" else _numpy_days)(cfg, pop, cap_sal, st_weights)
    mech = mechanisms(kernels, cfg, pop, st_weights)  # attendance, disagreement, pull, passage
    work_total = np.full(n_issues, proc.compression.text_days / max(n_issues, 1))
    work_left = work_total.copy()
    planned = cal.meetings
    meeting, extensions, adopted_by, level = 0, 0, None, 0.0

    def next_meeting() -> str | None:
        if meeting < planned and purse.can_afford_meeting():
            return "planned"
        if extensions < rule.max_extensions and (
            purse.extension_authorised or purse.can_afford_meeting()
        ):
            return "extension"
        return None

    while adopted_by is None and (mode := next_meeting()) is not None:
        if mode == "extension":
            purse.authorise_extension()
            extensions += 1
        ahead = purse.affordable_meetings(max(planned - meeting, 0)) if mode == "planned" else 1
        ahead = max(ahead, 1)
        outlook = MeetingOutlook(
            meeting_index=meeting,
            expected=meeting + ahead,
            remaining_usd=remaining,
            stakes=salience_distance(dl.ideal, text, dl.salience),
            cost_share_usd=shares,
            fund_remaining_usd=fund_remaining,
        )
        plan = mech.attendance(outlook)
        present = plan.delegates > 0
        spread = mech.disagreement(positions, present)
        threshold = door_threshold(proc, level, channels.closing_doors)
        tiers = plan_tiers(spread, meeting + 1, proc, informal_issues, threshold)
        left = np.maximum(work_left, 0.0)
        if channels.unfinished_work and len(tiers.plenary):
            overloaded = plenary_overload(left, tiers.plenary, spread, cal.days * ahead)
            if len(overloaded):
                tiers = plan_tiers(
                    spread, meeting + 1, proc, informal_issues, threshold, overloaded
                )
        tiers, squeeze = compress(
            tiers,
            spread,
            float(left.sum()),
            cal.days * ahead,
            proc,
            channels.compression,
            informal_rooms_open(proc, meeting + 1),
            room_days_ahead(proc, meeting + 1, ahead, cal.days),
        )
        informal_issues = union(tiers.informal, tiers.friends)
        invited = (
            invite_friends(proc.friends, dl.expertise, dl.bloc) if len(tiers.friends) else None
        )
        observed, covered = days(plan, tiers, squeeze, invited, text, positions, work_left)
        paid = np.minimum(plan.own_cost_usd, remaining)
        remaining = remaining - paid
        spent = spent + paid
        fund_remaining -= plan.fund_cost_usd
        purse.settle(purse.meeting_usd, float(plan.contribution_usd.sum()))
        meeting += 1

        left = purse.affordable_meetings(max(planned - meeting, 0))
        level = pressure(purse.spent_share(), meeting, left, b.pressure_budget_weight)
        concede = b.concession_rate * level
        if channels.audience_costs:
            share = exposed_concession(observed, covered, b.audience_cost)
            positions += concede * share[:, None] * (text - positions)
        else:
            positions += concede * (text - positions)

        present = plan.in_person_days > 0
        if fund.remote_counts_for_decision:
            present = present | plan.remote
        burden = spent / np.maximum(dl.budget_usd, 1e-9)
        reservation = reservation_now(dl.reservation, level, burden, b.pressure_gain, b.burden_gain)
        decision = table_draft(
            cfg,
            text=text,
            zero_draft=zero_draft,
            positions=positions,
            salience=dl.salience,
            present=present,
            reservation=reservation,
            work_left=work_left,
            work_total=work_total,
            meeting=meeting,
            final=next_meeting() is None,
            pressure=level,
        ).decision
        if decision is not None:
            adopted_by = decision.adopted_by
        if adopted_by is None and next_meeting() is not None and meeting <= cal.consultations:
            attend = streams["consultation"].random(n) < b.consultation_attendance
            fee = cal.consultation_days * cfg.cost.consultation_day_usd
            paid = np.minimum(np.where(attend & (remaining >= fee), fee, 0.0), remaining)
            remaining = remaining - paid
            spent = spent + paid
            rate = 1.0 - (1.0 - b.consultation_rate) ** cal.consultation_days
            idx = np.flatnonzero(attend)
            positions[idx] = mech.pull(positions[idx], b.confidence, rate)
    ratify = None
    if adopted_by is not None:  # `ratify` is None too when the scenario has no treaty
        stream = streams["ratification"]
        ratify = ratify_states(dl, text, cfg.ratification, stream, mech.first_passage)
    return {
        "text": text,
        "positions": positions,
        "adopted_by": adopted_by,
        "meetings": meeting,
        "ratification_days": ratify,
    }


def check_floor(cfg: SimConfig, seeds, kernels=("numpy", "compiled")) -> None:
    """Assert the floor ends where the model ends (text, positions, outcome), bit for bit.

    For each of `kernels`, the floor on those kernels against both model classes on them.
    """
    from sim.model import Negotiation, NegotiationModel

    for seed, kind in ((s, k) for s in seeds for k in kernels):
        bare = floor_run(cfg, seed, kind)
        for cls in (Negotiation, NegotiationModel):
            model = cls(cfg, seed=seed, kernels=kind)
            record = model.run()
            same = (
                np.array_equal(model.chair.text, bare["text"])
                and np.array_equal(model.positions, bare["positions"])
                and model.adopted_by == bare["adopted_by"]
                and model.meeting == bare["meetings"]
                and _same_days(record.ratification_days, bare["ratification_days"])
            )
            if not same:
                raise AssertionError(f"floor and {cls.__name__} differ for seed {seed} ({kind})")


def _same_days(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return np.array_equal(a, b)
