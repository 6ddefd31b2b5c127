"""The app's model side, without a server or a browser: designs, stepping, records, readings.

The browser test (test_app_browser.py) drives the page; these check what it shows: that
a run stepped by the app is the run `NegotiationModel.run()` gives, that each meeting's
record adds up to the run's totals, that side by side both designs negotiate among the
same delegations, and that every figure and reading is drawn from those records.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import replace

import numpy as np
import pytest

from sim.app import figures, readings
from sim.app.designs import (
    NUMBERS,
    SetupError,
    build_config,
    config_overrides,
    default_setup,
    options,
    run_seed,
    with_design,
)
from sim.app.plot import PLOTLY_JS_DIR, figure_json
from sim.app.state import Session, Track
from sim.config import INCOME_GROUPS

logging.getLogger("MESA").setLevel(logging.WARNING)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b))


def _finished_track(process: str = "two_tier", **design: object) -> Track:
    setup = with_design(default_setup(), "A", process=process, **design)
    track = Track("A", setup.design, build_config(setup.scenario, setup.design, setup.seed))
    while track.step() is not None:
        pass
    return track


@pytest.fixture(scope="module")
def two_tier() -> Track:
    return _finished_track()


@pytest.fixture(scope="module")
def friends() -> Track:
    return _finished_track("friends_of_chair")


# ----------------------------------------------------------------------------- designs


def test_options_list_the_shipped_configs_default_first():
    assert options("process")[0] == "two_tier"
    assert set(options("process")) >= {"open_plenary", "friends_of_chair", "two_tier_observers"}
    assert options("funding")[0] == "none" and "trust_fund" in options("funding")
    assert options("decision")[0] == "consensus_then_vote"
    assert options("scenario")[0] == "ahc_cybercrime" and "small" in options("scenario")


def test_default_setup_takes_the_configuration_defaults():
    from sim.api import compose_config

    config = compose_config([])
    setup = default_setup()
    assert setup.design.meeting_usd == config.cost.meeting_usd
    assert setup.design.process_budget_usd == config.cost.process_budget_usd
    assert setup.design.delegate_day_usd == config.cost.delegate_day_usd
    assert setup.seed == config.seed and setup.compare is None


def test_build_config_sets_the_design_and_the_seed():
    setup = default_setup()
    design = replace(setup.design, process="open_plenary", funding="trust_fund", meeting_usd=2e6)
    config = build_config("small", design, seed=11)
    assert config.process.name == "open_plenary" and config.funding.name == "trust_fund"
    assert config.cost.meeting_usd == 2e6 and config.seed == 11
    assert config.scenario.name == "small"


def test_the_configuration_shown_composes_the_same_run():
    from sim.api import compose_config

    setup = default_setup()
    design = replace(
        setup.design,
        process="friends_of_chair",
        funding="trust_fund",
        decision="two_thirds_vote",
        meeting_usd=500_000.0,
        delegate_day_usd=812.5,
        process_budget_usd=9e6,
    )
    config = build_config("small", design, 3)
    shown = config_overrides(config)
    assert "cost.meeting_usd=500000" in shown and "cost.delegate_day_usd=812.5" in shown
    assert shown[0] == "scenario=small" and shown[-1] == "seed=3"
    assert compose_config(shown) == config


@pytest.mark.parametrize(
    ("scenario", "process", "seed"),
    [("ahc_cybercrime", "two_tier", 0), ("small", "open_plenary", 5)],
)
def test_the_printed_overrides_rebuild_the_apps_run(scenario, process, seed):
    """`python -m sim <what the page prints>` runs the negotiation the app showed.

    The command line runs replication 0 of the configuration the overrides compose, with
    the seed `sim.run.seeds` derives from the base seed; the app must use that seed, not
    the base seed itself (issue 22: pasting the overrides gave another negotiation).
    """
    from sim.api import run_scenario

    setup = replace(with_design(default_setup(scenario), "A", process=process), seed=seed)
    session = Session(setup)
    session.run()
    shown = config_overrides(session.tracks[0].config)
    cli = run_scenario(shown).runs
    assert len(cli) == 1 and cli.loc[0, "run_seed"] == run_seed(session.tracks[0].config)
    cli_row = cli.iloc[0].to_dict()
    app_row = session.views()[0].row
    differing = [k for k in app_row if not _same(_plain(app_row[k]), _plain(cli_row[k]))]
    assert differing == []
    assert run_seed(session.tracks[0].config) != seed  # the base seed is not the run's seed


def _plain(value: object) -> object:
    """A table cell as the model's row holds it (pandas NA and numpy scalars unwrapped)."""
    import pandas as pd

    if value is None or pd.isna(value):
        return math.nan  # a missing count is <NA> in the table, NaN in the model's row
    return value.item() if isinstance(value, np.generic) else value


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("meeting_usd", -5.0, "Meeting cost (USD): -5.0 is not allowed"),
        ("process_budget_usd", math.nan, "Process budget (USD): nan is not allowed"),
        ("delegate_day_usd", math.inf, "Delegate-day cost (USD): inf is not allowed"),
    ],
)
def test_a_bad_number_names_its_control(field, value, words):
    setup = with_design(default_setup(), "A", **{field: value})
    with pytest.raises(SetupError) as err:
        Session(setup)
    assert str(err.value).startswith(words)
    assert NUMBERS[field][0] in str(err.value)  # and the configuration key, for the docs


def test_a_bad_seed_or_option_names_its_control():
    with pytest.raises(SetupError, match=r"^Seed: -1 is not allowed"):
        Session(replace(default_setup(), seed=-1))
    with pytest.raises(SetupError, match=r"^Process: 'closed_room' is not an option"):
        Session(with_design(default_setup(), "A", process="closed_room"))


def test_design_b_starts_as_a_copy_of_a_and_changes_alone():
    setup = with_design(default_setup(), "B", process="open_plenary")
    assert setup.compare == replace(setup.design, process="open_plenary")
    changed = with_design(setup, "A", meeting_usd=3e6)
    assert changed.design.meeting_usd == 3e6 and changed.compare.meeting_usd == 1e6


# ----------------------------------------------------------------------------- stepping


@pytest.mark.parametrize("process", ["two_tier", "friends_of_chair", "open_plenary"])
def test_a_stepped_run_is_the_models_own_run(process):
    """The app watches the run; it does not change it (its tiers tap passes calls through)."""
    from sim.model import NegotiationModel

    track = _finished_track(process)
    direct = NegotiationModel(track.config, seed=run_seed(track.config)).run().row
    stepped = track.view().row
    assert stepped.keys() == direct.keys()
    assert [k for k in direct if not _same(stepped[k], direct[k])] == []


def test_meeting_records_add_up_to_the_runs_totals(two_tier):
    record, records = two_tier.record, two_tier.records
    led = record.ledger
    assert len(records) == record.meetings_held
    assert [r.number for r in records] == list(range(1, len(records) + 1))
    assert sum(r.kind == "extension" for r in records) == record.extensions_used
    assert sum(r.days for r in records) == led.days_held
    np.testing.assert_allclose(sum(r.present_days for r in records), led.present_days)
    np.testing.assert_allclose(sum(r.informal_days for r in records), led.informal_days)
    assert sum(r.informal_room_days for r in records) == led.informal_room_days
    np.testing.assert_allclose(records[-1].text, record.text)
    assert records[-1].pressure == record.pressure
    assert records[-1].adopted_by == record.adopted_by
    assert records[-1].budget_left_usd == pytest.approx(record.purse.remaining_usd)


def test_every_issue_sits_in_exactly_one_tier(two_tier, friends):
    for track in (two_tier, friends):
        n_issues = len(track.people.issues)
        for r in track.records:
            tiers = [*r.rooms.plenary, *r.rooms.informal, *r.rooms.friends]
            assert sorted(tiers) == list(range(n_issues))
            assert (r.rooms.invited is not None) == bool(r.rooms.friends)
            assert r.informal_room_days == 0 or r.rooms.informal or r.rooms.friends


def test_friends_of_the_chair_sit_late_with_the_invited_few(friends):
    config = friends.config.process.friends
    sat = [r for r in friends.records if r.rooms.friends]
    assert sat, "the friends of the chair never sat"
    assert min(r.number for r in sat) >= config.from_meeting
    assert all(len(r.rooms.friends) == config.issues for r in sat)
    assert all(int(r.rooms.invited.sum()) == config.size for r in sat)


def test_voice_shares_so_far_end_at_the_runs_voice_shares(two_tier):
    row, last = two_tier.view().row, two_tier.records[-1]
    for k, group in enumerate(INCOME_GROUPS):
        assert last.voice[k] == pytest.approx(row[f"voice_share_{group}"])
        assert last.voice_proxied[k] == pytest.approx(row[f"proxied_voice_share_{group}"])
    assert last.voice.sum() + last.voice_proxied.sum() == pytest.approx(1.0)


def test_a_view_is_a_snapshot_that_later_meetings_leave_alone():
    session = Session(default_setup())
    session.step()
    before = session.views()[0]
    session.step()
    assert before.meetings == 1 and session.views()[0].meetings == 2
    assert before.row is None


def test_a_finished_track_holds_no_more_meetings(two_tier):
    held = len(two_tier.records)
    assert two_tier.step() is None and len(two_tier.records) == held


# ----------------------------------------------------------------------------- side by side


def test_side_by_side_designs_negotiate_among_the_same_delegations():
    setup = with_design(default_setup(), "B", process="open_plenary", funding="trust_fund")
    session = Session(setup)
    a, b = session.tracks
    assert a.config.seed == b.config.seed == setup.seed
    for field in ("budget_usd", "staff", "ideal", "salience", "reservation", "expertise"):
        np.testing.assert_array_equal(
            getattr(a.model.population.delegations, field),
            getattr(b.model.population.delegations, field),
        )
    np.testing.assert_array_equal(a.people.zero_draft, b.people.zero_draft)
    assert a.config.process.name == "two_tier" and b.config.process.name == "open_plenary"


def test_side_by_side_steps_both_until_each_ends():
    session = Session(with_design(default_setup(), "B", process="open_plenary"))
    session.step()
    assert [len(t.records) for t in session.tracks] == [1, 1]
    session.run()
    assert session.finished and not session.step()
    lengths = [len(t.records) for t in session.tracks]
    assert session.meeting == max(lengths)
    for track in session.tracks:  # each ran as it would alone
        alone = _finished_track(track.design.process)
        assert len(track.records) == len(alone.records)
        assert track.view().row["adopted_by"] == alone.view().row["adopted_by"]


def test_replaying_a_new_design_reaches_the_same_meeting():
    setup = default_setup()
    replayed = Session.replayed(with_design(setup, "A", meeting_usd=2e6), meetings=3)
    assert replayed.meeting == 3 and not replayed.finished
    fresh = Session(with_design(setup, "A", meeting_usd=2e6))
    for _ in range(3):
        fresh.step()
    np.testing.assert_array_equal(
        replayed.tracks[0].records[-1].text, fresh.tracks[0].records[-1].text
    )
    to_the_end = Session.replayed(setup, meetings=99)
    assert to_the_end.finished and to_the_end.meeting < 99


# ----------------------------------------------------------------------------- readings


def test_outcome_says_how_and_when_the_text_was_adopted():
    base = {
        "meetings_held": 8,
        "extensions_used": 1,
        "adoption_meeting": 8.0,
        "adoption_day": 829.0,
    }
    vote = readings.outcome({**base, "adopted_by": "vote", "objectors_at_decision": 13})
    assert vote.startswith("Adopted by a vote at meeting 8, 829 days") and "13 present" in vote
    consensus = readings.outcome({**base, "adopted_by": "consensus", "absent_at_decision": 4})
    assert (
        consensus.startswith("Adopted by consensus at meeting 8") and "4 delegations" in consensus
    )
    everyone = readings.outcome({**base, "adopted_by": "consensus", "absent_at_decision": 0})
    assert everyone.endswith("; every delegation was present.")
    none = readings.outcome({**base, "adopted_by": "none", "objectors_at_decision": 30})
    assert none == (
        "Not adopted: the process ended after 8 meetings (1 extension); "
        "30 present delegations still objected."
    )


def test_every_key_metric_of_a_run_has_a_value_and_a_reading(two_tier):
    rows = readings.readings(two_tier.view().row)
    assert len(rows) == len(readings.METRICS) >= 12
    for r in rows:
        assert r.value and r.reading.endswith(".")
        assert "nan" not in r.reading.lower()


def test_readings_say_what_a_missing_value_means():
    row = {"adopted_by": "none", "meetings_held": 3, "extensions_used": 0}
    by_label = {r.label: r for r in readings.readings(row)}
    assert by_label["Low-income cover of closed rooms"].value == "n/a"
    assert by_label["Low-income cover of closed rooms"].reading.startswith("No informal room sat")
    assert by_label["Rush cost"].reading == "Not measured: no text was adopted."
    assert by_label["Entry into force"].reading == "Not adopted, so nothing to ratify."


def test_differences_read_in_the_units_of_the_metric():
    a = {
        "attendance_rate_LIC": 0.45,
        "process_cost_usd": 8e6,
        "accommodations": 6,
        "adopted_by": "vote",
    }
    b = {
        "attendance_rate_LIC": 0.62,
        "process_cost_usd": 6e6,
        "accommodations": 6,
        "adopted_by": "vote",
    }
    by_label = {d.label: d for d in readings.differences(a, b)}
    assert by_label["Adoption"].change == "same"
    assert (by_label["Low-income attendance"].a, by_label["Low-income attendance"].b) == (
        "45%",
        "62%",
    )
    assert by_label["Low-income attendance"].change == "+17 points"
    assert by_label["Cost of the process"].change == "-$2.0M"
    assert by_label["Holdout accommodation"].change == "no change"
    assert by_label["Rush cost"].change == "n/a"


# ----------------------------------------------------------------------------- figures


def _no_nan(text: str) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in a figure's JSON: the browser cannot parse it")

    return json.loads(text, parse_constant=refuse)


def test_the_run_trace_holds_the_meetings_so_far(two_tier):
    trace = figures.run_trace(two_tier.view())
    n, m = len(two_tier.people.names), len(two_tier.records)
    assert trace.delegates.shape == trace.coverage.shape == (n, m)
    assert trace.text.shape == (m + 1, len(trace.issues))
    assert trace.closed.sum() == sum(
        len(r.rooms.informal) + len(r.rooms.friends) for r in two_tier.records
    )
    assert {"HIC", "LIC", "civil_society", "industry"} <= set(trace.ideals.index)


def test_every_figure_draws_as_browser_json(two_tier, friends):
    views = [two_tier.view(), friends.view()]
    built = [
        *(figures.attendance(v) for v in views),
        *(figures.rooms(v) for v in views),
        *(figures.text(v, figures.text_range(views)) for v in views),
        figures.pressure_budget(views),
        figures.voice(views),
    ]
    for fig in built:
        spec = _no_nan(figure_json(fig))
        assert spec["data"], "a figure with nothing drawn"
        assert spec["layout"]["height"] > 0


def test_before_the_first_meeting_the_figures_say_so():
    view = Session(default_setup()).views()[0]
    for fig in (figures.attendance(view), figures.rooms(view), figures.voice([view])):
        spec = _no_nan(figure_json(fig))
        assert "No meeting held yet" in spec["layout"]["annotations"][0]["text"]
    text = _no_nan(figure_json(figures.text(view)))  # the zero draft against the ideals
    assert any(t.get("name", "").startswith("draft text (zero draft)") for t in text["data"])


def test_the_rooms_table_shows_each_groups_share_inside(friends):
    view = friends.view()
    last = view.records[-1]
    fig = figures.rooms(view)
    _no_nan(figure_json(fig))
    heat = fig.data[0]
    assert heat.x[0].startswith("<b>Plenary</b>") and heat.x[-1].startswith("<b>Friends")
    rows = list(heat.y[::-1])  # drawn bottom-up
    z = np.asarray(heat.z, dtype=float)[::-1]
    low = rows.index("Low income")
    members = view.people.income == INCOME_GROUPS.index("LIC")
    assert z[low, 0] == pytest.approx((last.present_days[members] > 0).mean())
    assert z[low, -1] == pytest.approx(last.rooms.invited[members].mean())
    assert list(heat.text[0]) == ["admitted", "shut out", "shut out"]  # stakeholders, top row


def test_the_text_figure_adds_industrys_ideal_and_shares_its_range(two_tier, friends):
    views = [two_tier.view(), friends.view()]
    low, high = figures.text_range(views)
    spec = _no_nan(figure_json(figures.text(views[0], (low, high))))
    names = {t.get("name") for t in spec["data"]}
    assert {"industry", "civil society", "low-income states"} <= names
    assert spec["layout"]["yaxis"]["range"] == [low, high]


def test_every_meeting_steps_and_draws_every_view():
    """Step the default scenario to its end, building every view after each meeting.

    How fast a step renders is measured by benchmarks/app_step.py, not here.
    """
    session = Session(default_setup())
    steps = 0
    while not session.finished:
        session.step()
        steps += 1
        drawn = figures.every_view(session.views())
        for name, spec in drawn.items():
            for one in spec if isinstance(spec, list) else [spec]:
                assert json.loads(one)["data"], name
    assert steps >= 1 and session.finished


# ----------------------------------------------------------------------------- serving


def test_the_launcher_serves_the_page_offline():
    from sim.app.__main__ import solara_args

    args = solara_args("127.0.0.1", 8765)
    assert args[:2] == ["run", "sim.app.page"]
    assert {"--production", "--no-open", "--no-check-version"} <= set(args)
    assert (PLOTLY_JS_DIR / "plotly.min.js").is_file()


def test_the_page_registers_plotly_js_with_solara():
    from solara.server import settings

    import sim.app.page as page

    assert str(PLOTLY_JS_DIR) in settings.assets.extra_locations
    assert page._plotly_url().endswith("/static/assets/plotly.min.js")


# ----------------------------------------------------------------------------- polish (issue 22)


def test_number_fields_read_as_a_person_writes_them():
    from sim.app.controls import format_amount, parse_amount

    assert format_amount(1e6) == "1,000,000" and format_amount(7_130_000.0) == "7,130,000"
    assert format_amount(812.5) == "812.5" and format_amount(600.0) == "600"
    assert parse_amount("1,000,000") == 1e6 and parse_amount(" $7,130,000 ") == 7.13e6
    assert parse_amount("2e6") == 2e6 and parse_amount(format_amount(812.5)) == 812.5
    with pytest.raises(ValueError):
        parse_amount("a million")


def test_equal_ideals_are_drawn_in_turns_so_each_colour_shows(two_tier):
    view = two_tier.view()
    spec = json.loads(figure_json(figures.text(view)))
    ideals = [
        (tr.get("xaxis", "x"), next(y for y in tr["y"] if y is not None), tr)
        for tr in spec["data"]
        if tr.get("legendgroup") != "text" and tr.get("y") and None not in tr["y"][:1]
        and len({y for y in tr["y"] if y is not None}) == 1
    ]  # fmt: skip
    close = [
        (a, b)
        for i, a in enumerate(ideals)
        for b in ideals[i + 1 :]
        if a[0] == b[0] and abs(a[1] - b[1]) <= figures.EQUAL_IDEALS
    ]
    assert close, "the default run has groups with near-equal ideals on some issue"
    for (_, _, a), (_, _, b) in close:
        starts_a, starts_b = set(a["x"][::3]), set(b["x"][::3])
        assert starts_a and starts_b and not starts_a & starts_b  # in turns, never on top


def test_side_by_side_the_heatmaps_colour_bar_titles_stand_upright(two_tier):
    spec = json.loads(figure_json(figures.attendance(two_tier.view())))
    layout = spec["layout"]
    assert layout["coloraxis"]["colorbar"]["title"]["side"] == "right"
    assert layout["coloraxis2"]["colorbar"]["title"]["side"] == "right"
    titles = [a["text"] for a in layout["annotations"] if a.get("text", "").startswith("(")]
    assert max(len(t) for t in titles) <= 30  # fits half a 1440 px window
