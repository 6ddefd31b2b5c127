"""Every shipped config composes and validates; bad values fail naming the key and value."""

from __future__ import annotations

import copy
import dataclasses
import itertools
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.config import ConfigError, SimConfig, to_sim_config, validate
from tests.shared import OPTION_GROUPS as GROUPS

CONFIGS = Path(__file__).resolve().parent.parent / "configs"


def _options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIGS / group).glob("*.yaml"))


OPTIONS = {group: _options(group) for group in GROUPS}
COMBINATIONS = list(itertools.product(*(OPTIONS[g] for g in GROUPS)))


def _message(err: BaseException) -> str:
    """The error's message with its causes (Hydra wraps OmegaConf's detailed error)."""
    parts = []
    while err is not None:
        parts.append(str(err))
        err = err.__cause__ or err.__context__
    return "\n".join(parts)


def test_every_group_has_its_documented_options():
    assert {"ahc_cybercrime", "small"} <= set(OPTIONS["scenario"])
    assert {
        "open_plenary",
        "two_tier",
        "two_tier_observers",
        "single_informal_room",
        "friends_of_chair",
    } <= set(OPTIONS["process"])
    assert {"none", "trust_fund", "hybrid", "cost_sharing"} <= set(OPTIONS["funding"])
    assert {"consensus_only", "consensus_then_vote", "two_thirds_vote"} <= set(OPTIONS["decision"])


@pytest.mark.slow  # 120 Hydra compositions, about 0.3 s each
@pytest.mark.parametrize(
    ("scenario", "process", "funding", "decision"),
    COMBINATIONS,
    ids=["-".join(c) for c in COMBINATIONS],
)
def test_every_combination_composes(compose, scenario, process, funding, decision):
    cfg = compose(
        f"scenario={scenario}", f"process={process}", f"funding={funding}", f"decision={decision}"
    )
    assert isinstance(cfg, SimConfig)
    # each option names itself, so result rows say which design produced them
    assert cfg.scenario.name == scenario
    assert cfg.process.name == process
    assert cfg.funding.name == funding
    assert cfg.decision.rule == decision
    validate(cfg)


def test_default_config_is_the_committee_design(default_config):
    cfg = default_config
    assert (cfg.scenario.name, cfg.process.name, cfg.funding.name, cfg.decision.rule) == (
        "ahc_cybercrime",
        "two_tier",
        "none",
        "consensus_then_vote",
    )
    assert cfg.cost.meeting_usd == 1.0e6
    assert cfg.ratification.threshold == 40
    assert cfg.ratification.days_after_threshold == 90
    assert list(cfg.scenario.issues) == ["scope", "data_access", "safeguards", "assistance"]


def test_group_options_change_what_they_say(small):
    open_plenary = small("process=open_plenary")
    assert not open_plenary.process.informal_rooms
    observers = small("process=two_tier_observers")
    assert observers.process.informal_rooms and observers.process.observers_in_informal
    assert small("process=single_informal_room").process.max_parallel_rooms == 1
    assert small("process=friends_of_chair").process.friends.enabled
    assert small("funding=trust_fund").funding.trust_fund_usd > 0
    assert small("funding=hybrid").funding.remote_participation
    assert small("funding=cost_sharing").funding.cost_sharing_share > 0


def test_overrides_reach_the_typed_config(small):
    cfg = small("cost.meeting_usd=2e6", "seed=7", "replications=3", "behaviour.confidence=0.2")
    assert cfg.cost.meeting_usd == 2.0e6
    assert (cfg.seed, cfg.replications) == (7, 3)
    assert cfg.behaviour.confidence == 0.2
    assert len(cfg.scenario.delegations.include) == 12


# ----------------------------------------------------------------- bad values


COMPOSED_BAD_VALUES = [
    # through Hydra, as a user types them: (override, key named, value named)
    ("cost.meeting_usd=-1", "cost.meeting_usd", "-1"),
    ("behaviour.confidence=1.5", "behaviour.confidence", "1.5"),
    ("funding.remote_effectiveness=-0.1", "funding.remote_effectiveness", "-0.1"),
    ("scenario.delegations.staff_mean.LIC=0", "scenario.delegations.staff_mean.LIC", "0"),
    ("decision.rule=unanimity", "decision.rule", "unanimity"),
    ("process.friends.issues=9", "process.friends.issues", "9"),
    ("funding.trust_fund_eligible=[LIC,POOR]", "funding.trust_fund_eligible", "POOR"),
    ("+scenario.delegations.staff_mean.XYZ=3", "scenario.delegations.staff_mean", "XYZ"),
]


@pytest.mark.parametrize(
    ("override", "key", "value"),
    COMPOSED_BAD_VALUES,
    ids=[b[0] for b in COMPOSED_BAD_VALUES],
)
def test_bad_value_fails_naming_key_and_value(small, override, key, value):
    with pytest.raises(ConfigError) as info:
        small(override)
    message = str(info.value)
    assert key in message
    assert value in message


VALIDATED_BAD_VALUES = [
    # set in Python (as a sweep or notebook would), caught by validate: (key, bad value)
    ("cost.delegate_day_usd", -600.0),
    ("cost.process_budget_usd", -5.0),
    ("cost.consultation_day_usd", float("inf")),
    ("behaviour.persuasion_rate", -0.1),
    ("behaviour.attendance_base", 2.0),
    ("behaviour.consultation_attendance", 1.5),
    ("behaviour.uninterpreted_presence", -1.0),
    ("funding.cost_sharing_share", 1.5),
    ("funding.trust_fund_usd", -1.0),
    ("funding.cost_sharing_mode", "progressive"),
    ("process.step_informal", 1.2),
    ("process.step_formal", -0.5),
    ("process.max_parallel_rooms", 0),
    ("process.friends.selection", "random"),
    ("process.friends.step", 2.0),
    ("scenario.delegations.staff_max", 0),
    ("scenario.delegations.budget_usd.LIC", -1.0),
    ("scenario.delegations.expertise_mean.HIC", 1.0),
    ("scenario.calendar.meetings", 0),
    ("scenario.calendar.days", 0),
    ("scenario.calendar.interval_days", 2),
    ("decision.vote_threshold", 0.4),
    ("decision.max_extensions", -1),
    ("ratification.threshold", 0),
    ("ratification.horizon_years", 2.0),
    ("replications", 0),
    ("seed", -1),
]


def _with_value(cfg: SimConfig, key: str, value) -> SimConfig:
    """A deep copy of `cfg` with the dotted `key` set to `value`."""
    cfg = copy.deepcopy(cfg)
    *path, last = key.split(".")
    node = cfg
    for part in path:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, dict):
        node[last] = value
    else:
        setattr(node, last, value)
    return cfg


@pytest.mark.parametrize(
    ("key", "value"), VALIDATED_BAD_VALUES, ids=[k for k, _ in VALIDATED_BAD_VALUES]
)
def test_validate_names_the_bad_key_and_value(small_config, key, value):
    with pytest.raises(ConfigError) as info:
        validate(_with_value(small_config, key, value))
    message = str(info.value)
    assert f"{key} = {value!r}" in message
    assert "expected" in message


TYPE_AND_OPTION_ERRORS = [
    # Hydra / OmegaConf reject these while composing
    ("cost.meeting_usd=abc", "cost.meeting_usd", "abc"),
    ("process.informal_rooms=maybe", "process.informal_rooms", "maybe"),
    ("replications=1.5", "replications", "1.5"),
    ("process=nope", "process", "nope"),
    ("cost.no_such_key=3", "cost.no_such_key", "3"),
]


@pytest.mark.parametrize(
    ("override", "key", "value"),
    TYPE_AND_OPTION_ERRORS,
    ids=[b[0] for b in TYPE_AND_OPTION_ERRORS],
)
def test_wrong_type_or_unknown_option_fails_naming_key_and_value(small, override, key, value):
    with pytest.raises(Exception) as info:  # Hydra's or OmegaConf's own error types
        small(override)
    message = _message(info.value)
    assert key in message
    assert value in message
    if override == "process=nope":  # an unknown option lists the available ones
        assert "two_tier" in message and "open_plenary" in message


def test_to_sim_config_rejects_bad_types_with_config_error():
    with pytest.raises(ConfigError, match=r"cost\.meeting_usd") as info:
        to_sim_config({"cost": {"meeting_usd": "abc"}})
    assert "abc" in str(info.value)


def test_to_sim_config_accepts_a_plain_dict_and_fills_defaults(small_config):
    plain = OmegaConf.to_container(OmegaConf.structured(small_config))
    cfg = to_sim_config(plain)
    assert cfg == small_config


def test_validate_checks_changes_made_in_python(small_config):
    bad = dataclasses.replace(
        small_config, cost=dataclasses.replace(small_config.cost, meeting_usd=float("nan"))
    )
    with pytest.raises(ConfigError, match=r"cost\.meeting_usd = nan"):
        validate(bad)
    bad = dataclasses.replace(
        small_config,
        behaviour=dataclasses.replace(small_config.behaviour, bloc_proxy_weight=True),
    )
    with pytest.raises(ConfigError, match=r"behaviour\.bloc_proxy_weight = True"):
        validate(bad)


def test_bloc_and_stakeholder_maps_must_cover_every_issue(small_config):
    blocs = dict(small_config.scenario.blocs)
    name = next(iter(blocs))
    centre = dict(blocs[name].centre)
    centre.pop("safeguards")
    blocs[name] = dataclasses.replace(blocs[name], centre=centre)
    bad = dataclasses.replace(
        small_config, scenario=dataclasses.replace(small_config.scenario, blocs=blocs)
    )
    with pytest.raises(ConfigError, match=rf"scenario\.blocs\.{name}\.centre\.safeguards"):
        validate(bad)


def test_every_region_needs_a_bloc(small_config):
    blocs = {
        name: dataclasses.replace(
            bloc, share_by_region={r: s for r, s in bloc.share_by_region.items() if r != "WEOG"}
        )
        for name, bloc in small_config.scenario.blocs.items()
    }
    bad = dataclasses.replace(
        small_config, scenario=dataclasses.replace(small_config.scenario, blocs=blocs)
    )
    with pytest.raises(ConfigError, match="WEOG"):
        validate(bad)
