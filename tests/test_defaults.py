"""One source of defaults: the dataclasses say what the YAML says, and variants inherit.

Every parameter is written once, with its unit and source, in a base YAML file (the
option `configs/config.yaml` selects, or config.yaml itself); the dataclasses in
`sim.config.schema` carry the same values so a config built in Python is the default
scenario too. A named variant (`process/open_plenary.yaml`, ...) inherits its group's
base file and writes only what it changes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from sim.config import SimConfig
from tests.shared import ROOT

CONFIGS = ROOT / "configs"
BASES = {
    "scenario": "ahc_cybercrime",
    "process": "two_tier",
    "funding": "none",
    "decision": "consensus_then_vote",
    "behaviour": "default",
    "ratification": "cybercrime_convention",
}
SCENARIO_IDENTITY = ("name", "blocs", "stakeholders")
"""What only a scenario file can give: a dataclass default has no coalitions or observers."""
TOP_LEVEL_SECTIONS = ("cost", "channels", "measures")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _leaves(config, prefix: str = "") -> dict[str, object]:
    """Dotted parameter name -> value, over a (nested) config dataclass."""
    out: dict[str, object] = {}
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        if dataclasses.is_dataclass(value):
            out.update(_leaves(value, f"{prefix}{field.name}."))
        else:
            out[f"{prefix}{field.name}"] = value
    return out


def _written(tree: dict, config, prefix: str = "") -> set[str]:
    """The parameters of `config` (a dataclass) that the YAML `tree` writes."""
    names: set[str] = set()
    for field in dataclasses.fields(config):
        if field.name not in tree:
            continue
        value = getattr(config, field.name)
        if dataclasses.is_dataclass(value):
            names |= _written(tree[field.name] or {}, value, f"{prefix}{field.name}.")
        else:
            names.add(f"{prefix}{field.name}")
    return names


def _scenario_facts() -> set[str]:
    """Keys outside `scenario:` that the default scenario's file writes (a negotiation's facts).

    A scenario file is a `_global_` package so that a negotiation can bring such facts
    (the committee's votes on provisions); the dataclasses keep the generic default.
    """
    tree = _load(CONFIGS / "scenario" / f"{BASES['scenario']}.yaml")
    return {
        name
        for section in TOP_LEVEL_SECTIONS
        if section in tree
        for name in _written({section: tree[section]}, SimConfig())
    }


def test_the_default_composition_is_the_dataclass_defaults(compose) -> None:
    composed, schema = _leaves(compose()), _leaves(SimConfig())
    assert composed.keys() == schema.keys()
    facts = _scenario_facts()
    mismatched = {
        key: (value, schema[key])
        for key, value in composed.items()
        if schema[key] != value
        and key.removeprefix("scenario.") not in SCENARIO_IDENTITY
        and key not in facts
    }
    assert not mismatched, f"composed value vs dataclass default: {mismatched}"
    assert facts == {"channels.amendment_votes"}  # the one fact the committee brings


@pytest.mark.parametrize("group", sorted(BASES))
def test_each_base_file_writes_every_key_of_its_section(group) -> None:
    """The YAML is complete: no parameter takes its default from the dataclass alone."""
    section = getattr(SimConfig(), group)
    tree = _load(CONFIGS / group / f"{BASES[group]}.yaml")
    if group == "scenario":  # a _global_ package: the scenario's keys sit under `scenario:`
        tree = tree["scenario"]
    written = _written(tree, section)
    missing = sorted(set(_leaves(section)) - written)
    assert not missing, f"configs/{group}/{BASES[group]}.yaml does not write {missing}"


def test_config_yaml_writes_every_key_of_its_own_sections() -> None:
    text = _load(CONFIGS / "config.yaml")
    for name in TOP_LEVEL_SECTIONS:
        section = getattr(SimConfig(), name)
        assert _written(text[name], section) == set(_leaves(section)), name


def _variants() -> list[tuple[str, str]]:
    return [
        (group, path.stem)
        for group in ("process", "funding", "decision")
        for path in sorted((CONFIGS / group).glob("*.yaml"))
        if path.stem != BASES[group]
    ]


@pytest.mark.parametrize(("group", "option"), _variants())
def test_a_variant_inherits_its_base_and_changes_only_what_it_writes(
    compose, group, option
) -> None:
    text = _load(CONFIGS / group / f"{option}.yaml")
    assert text.get("defaults", [None])[0] == BASES[group], f"{group}/{option}.yaml"
    base = _leaves(getattr(compose(), group))
    variant = _leaves(getattr(compose(f"{group}={option}"), group))
    written = _written(text, getattr(SimConfig(), group))
    changed = {key for key in base if variant[key] != base[key]}
    assert changed, f"{group}/{option} changes nothing"
    assert changed <= written, f"{group}/{option}: {changed - written} not written"


@pytest.mark.parametrize("group", ["behaviour", "ratification"])
def test_behaviour_and_ratification_give_a_unit_or_source_for_every_key(group) -> None:
    path = CONFIGS / group / f"{BASES[group]}.yaml"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert "#" in line, f"{path.name}: no comment on {line!r}"
