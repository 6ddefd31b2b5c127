"""The floor: the model's dynamics as one bare numpy loop, no Mesa and no bookkeeping.

`floor_run(cfg, seed)` draws the same population from the same generator and applies
the same numerical kernels (attendance, tiers, rooms, seating, drafting, persuasion,
pressure, decision, consultations, ratification) in the same order as
`NegotiationModel.run`, but keeps only the state the dynamics need: no Mesa model or
agents, no DataCollector, no ledger of presence or influence, no metrics. It ends in
the same text and positions, bit for bit (`check_floor` asserts it), so the ratio
model / floor is what the framework and the measurements cost on top of the
arithmetic.
"""

from __future__ import annotations

import numpy as np

from sim.attendance import plan_attendance
from sim.config import SimConfig
from sim.decision import decide
from sim.dynamics import (
    confidence_pull,
    disagreement,
    pressure,
    reservation_now,
    salience_distance,
)
from sim.ledger import affordable_meetings, contributions_at_cost
from sim.population import build_population
from sim.process import invite_friends, plan_tiers, rooms_for_day
from sim.ratification import ratification_days

try:  # the kernels as optimised (room layouts, seatings, rankings by rotation)
    from sim.process import room_ranks, rotation
    from sim.sitting import RoomLayout, seat, sit

    LEGACY = False
except ImportError:  # the code before the optimisation: one `sit_room` per room-day
    from sim.process import allocate_delegates
    from sim.sitting import sit_room

    LEGACY = True

__all__ = ["check_floor", "floor_run"]


def floor_run(cfg: SimConfig, seed: int) -> dict[str, object]:
    """Run the dynamics of one replication; return the final text, positions and outcome."""
    rng = np.random.default_rng(seed)
    pop = build_population(cfg.scenario, rng)
    dl, st = pop.delegations, pop.stakeholders
    b, cal, proc, cost_cfg, fund = (
        cfg.behaviour,
        cfg.scenario.calendar,
        cfg.process,
        cfg.cost,
        cfg.funding,
    )
    n, n_issues = dl.ideal.shape
    positions = dl.ideal.copy()
    remaining = dl.budget_usd.copy()
    spent = np.zeros(n)
    process_remaining = cost_cfg.process_budget_usd
    fund_remaining = fund.trust_fund_usd
    st_weights = b.stakeholder_weight * st.capacity[:, None] * st.salience
    cap_sal = dl.expertise[:, None] * dl.salience
    text = dl.ideal.mean(axis=0) if n else np.full(n_issues, 0.5)
    scratch_influence, scratch_st = np.zeros(n), np.zeros(len(st))
    informal_issues = np.array([], dtype=np.int64)
    layouts: dict[tuple, RoomLayout] = {}
    seatings: dict[tuple, object] = {}
    planned = cal.meetings
    limit = planned + cfg.decision.max_extensions
    max_cost = cost_cfg.meeting_usd * max(1.0, proc.informal_cost_ratio)
    meeting, adopted_by, level = 0, None, 0.0
    n_blocs = len(pop.bloc_names) if b.bloc_coordination else 0
    proxy_weight = b.bloc_proxy_weight if b.bloc_coordination else 0.0
    other = dl.other_language

    def can_hold() -> bool:
        return meeting < limit and process_remaining >= max_cost - 1e-6

    while adopted_by is None and can_hold():
        plan = plan_attendance(
            remaining=remaining,
            budget0=dl.budget_usd,
            staff=dl.staff,
            income=dl.income,
            ldc=dl.ldc,
            stakes=salience_distance(dl.ideal, text, dl.salience),
            progress=min(meeting / max(planned - 1, 1), 1.0),
            meeting_index=meeting,
            planned=planned,
            days=cal.days,
            fund_remaining=fund_remaining,
            cost=cost_cfg,
            funding=fund,
            attendance_base=b.attendance_base,
            stakes_gain=b.attendance_stakes_gain,
            lateness=b.lateness_weight,
        )
        present = plan.delegates > 0
        spread = disagreement(positions[present]) if present.sum() >= 2 else np.zeros(n_issues)
        tiers = plan_tiers(spread, meeting + 1, proc, informal_issues)
        informal_issues = np.union1d(tiers.informal, tiers.friends)
        invited = (
            invite_friends(proc.friends, dl.expertise, dl.bloc) if len(tiers.friends) else None
        )
        cost = 0.0
        by_turn: dict[int, tuple] = {}
        for day in range(cal.days):
            if LEGACY:
                cost += _legacy_day(
                    cfg, day, plan, tiers, invited, text, positions, pop, st_weights
                )
                continue
            turn = rotation(day, tiers, proc)
            if turn not in by_turn:
                rooms = rooms_for_day(day, tiers, proc, invited)
                factor = np.ones((n, len(rooms)))
                for j, room in enumerate(rooms):
                    if not room.interpreted:
                        factor[other, j] *= b.uninterpreted_presence
                room_layouts = []
                for room in rooms:
                    key = (room.issues.tobytes(), room.open_to_stakeholders, room.step)
                    if key not in layouts:
                        layouts[key] = RoomLayout(
                            issues=room.issues,
                            capability_salience=cap_sal,
                            bloc=dl.bloc,
                            n_blocs=n_blocs,
                            proxy_weight=proxy_weight,
                            stakeholder_ideal=st.ideal if room.open_to_stakeholders else None,
                            stakeholder_weight=st_weights if room.open_to_stakeholders else None,
                        )
                    room_layouts.append(layouts[key])
                closed = sum(len(r.issues) for r in rooms if r.closed_door)
                by_turn[turn] = (
                    rooms,
                    room_layouts,
                    room_ranks(dl.salience, rooms),
                    factor,
                    closed,
                )
            rooms, room_layouts, rank, factor, closed = by_turn[turn]
            in_person = plan.in_person_days >= cal.days - day
            cover = rank < np.where(in_person, plan.delegates, 0)[:, None]
            presence = np.where(cover, factor, 0.0)
            if fund.remote_participation:
                presence[plan.remote & ~in_person, 0] = fund.remote_effectiveness
            for j, room in enumerate(rooms):
                column = presence[:, j]
                key = (id(room_layouts[j]), column.tobytes())
                if key not in seatings:
                    if len(seatings) > 16:
                        seatings.clear()
                    seatings[key] = seat(room_layouts[j], room.step, column)
                seating = seatings[key]
                if seating is not None:
                    sit(
                        room_layouts[j],
                        room.step,
                        column,
                        text,
                        positions,
                        scratch_influence,
                        None,
                        b.confidence,
                        b.persuasion_rate,
                        seating,
                    )
            queued = len(tiers.informal) + len(tiers.friends) - closed
            share = (closed + queued) / n_issues
            cost += (cost_cfg.meeting_usd / cal.days) * (
                (1.0 - share) + proc.informal_cost_ratio * share
            )
        shared = contributions_at_cost(plan.contribution_usd, cost, cost_cfg.meeting_usd)
        paid = np.minimum(plan.own_cost_usd - (plan.contribution_usd - shared), remaining)
        remaining = remaining - paid
        spent = spent + paid
        fund_remaining -= plan.fund_cost_usd
        process_remaining -= cost - float(shared.sum())
        meeting += 1

        budget = cost_cfg.process_budget_usd
        used = 1.0 - process_remaining / budget if budget > 0 else 1.0
        ahead = affordable_meetings(max(planned - meeting, 0), process_remaining, max_cost)
        level = pressure(used, meeting, ahead, b.pressure_budget_weight)
        positions += b.concession_rate * level * (text - positions)

        present = plan.in_person_days > 0
        if fund.remote_counts_for_decision:
            present = present | plan.remote
        burden = spent / np.maximum(dl.budget_usd, 1e-9)
        reservation = reservation_now(dl.reservation, level, burden, b.pressure_gain, b.burden_gain)
        distance = salience_distance(positions, text, dl.salience)
        final = not can_hold()
        if meeting >= cfg.decision.earliest_tabling_meeting or final:
            decision = decide(
                rule=cfg.decision.rule,
                final=final,
                present=present,
                distance=distance,
                reservation=reservation,
                vote_threshold=cfg.decision.vote_threshold,
                abstain_margin=cfg.decision.abstain_margin,
            )
            adopted_by = decision.adopted_by
        if adopted_by is None and can_hold() and meeting <= cal.consultations:
            attend = rng.random(n) < b.consultation_attendance
            fee = cal.consultation_days * cost_cfg.consultation_day_usd
            paid = np.minimum(np.where(attend & (remaining >= fee), fee, 0.0), remaining)
            remaining = remaining - paid
            spent = spent + paid
            rate = 1.0 - (1.0 - b.consultation_rate) ** cal.consultation_days
            idx = np.flatnonzero(attend)
            positions[idx] = confidence_pull(
                positions[idx], st.ideal, st_weights, b.confidence, rate
            )
    ratify = None
    if adopted_by is not None:
        dislike = salience_distance(dl.ideal, text, dl.salience)
        ratify = ratification_days(dislike, dl.legislative, cfg.ratification, rng)
    del scratch_st
    return {
        "text": text,
        "positions": positions,
        "adopted_by": adopted_by,
        "meetings": meeting,
        "ratification_days": ratify,
    }


def _legacy_day(cfg, day, plan, tiers, invited, text, positions, pop, st_weights) -> float:
    """One day with the kernels of the original code (`allocate_delegates`, `sit_room`)."""
    b, cal, proc, fund = cfg.behaviour, cfg.scenario.calendar, cfg.process, cfg.funding
    dl, st = pop.delegations, pop.stakeholders
    rooms = rooms_for_day(day, tiers, proc, invited)
    in_person = plan.in_person_days >= cal.days - day
    cover = allocate_delegates(np.where(in_person, plan.delegates, 0), dl.salience, rooms)
    presence = cover.astype(float)
    for j, room in enumerate(rooms):
        if not room.interpreted:
            presence[dl.other_language, j] *= b.uninterpreted_presence
    presence[plan.remote & ~in_person, 0] = fund.remote_effectiveness
    for j, room in enumerate(rooms):
        sit_room(
            issues=room.issues,
            step=room.step,
            text=text,
            positions=positions,
            salience=dl.salience,
            capability=dl.expertise,
            presence=presence[:, j],
            bloc=dl.bloc,
            n_blocs=len(pop.bloc_names) if b.bloc_coordination else 0,
            proxy_weight=b.bloc_proxy_weight if b.bloc_coordination else 0.0,
            stakeholder_ideal=st.ideal if room.open_to_stakeholders else None,
            stakeholder_weight=st_weights if room.open_to_stakeholders else None,
            confidence=b.confidence,
            persuasion_rate=b.persuasion_rate,
        )
    n_issues = len(text)
    closed = sum(len(r.issues) for r in rooms if r.closed_door)
    queued = len(tiers.informal) + len(tiers.friends) - closed
    share = (closed + queued) / n_issues
    return (cfg.cost.meeting_usd / cal.days) * ((1.0 - share) + proc.informal_cost_ratio * share)


def check_floor(cfg: SimConfig, seeds) -> None:
    """Assert the floor ends where the model ends (text, positions, outcome), bit for bit."""
    from sim.model import NegotiationModel

    for seed in seeds:
        model = NegotiationModel(cfg, seed=seed)
        model.run()
        bare = floor_run(cfg, seed)
        same = (
            np.array_equal(model.chair.text, bare["text"])
            and np.array_equal(model.positions, bare["positions"])
            and model.adopted_by == bare["adopted_by"]
            and model.meeting == bare["meetings"]
        )
        if not same:
            raise AssertionError(f"floor and model differ for seed {seed}")
