"""The defaults docs/ODD.md section 7 tabulates are the composed default configuration's.

Why this exists: a calibration rewrote the defaults in configs/ (the keys marked
"ASSUMPTION (calibrated)") and the ODD kept showing the older numbers, e.g.
`process.disagreement_threshold` 0.0605 against the configs' 0.35. Every row whose first
cell is one backticked key and whose default is a plain number or true/false is checked
against `compose_config([])`, the configuration of `python -m sim`; so are the rows of
several keys with as many plain values, the rows of per-group values ("HIC 1.84M, UMIC
100k, ...") and the blocs' and stakeholders' tables.
Numbers agree within 0.5%, so a table's three significant figures pass. No model runs.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from sim.config.compose import compose_config
from sim.config.schema import SimConfig
from tests.shared import ROOT

ODD = ROOT / "docs" / "ODD.md"
MIN_KEY_ROWS = 40
"""Fewer rows parsed means the parser, not the document, changed: fail loudly."""

_TOP = {f.name for f in dataclasses.fields(SimConfig)}
_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
_PLAIN = re.compile(rf"^(true|false|{_NUMBER})(?:\s*\(.*\))?$")
_GROUPED = re.compile(rf"^(\w+) ({_NUMBER})([kM]?)$")
_SUFFIX = {"": 1.0, "k": 1e3, "M": 1e6}


def _section_7(text: str) -> list[str]:
    start = text.index("\n## 7. Parameters")
    end = text.index("\n## ", start + 1)
    return text[start:end].splitlines()


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _tables(text: str):
    """(heading prefix, header cells, row cells) for each table row of section 7."""
    prefix, header = "", None
    for line in _section_7(text):
        if line.startswith("### "):
            found = re.search(r"`([a-z_.]+)\.\*`", line)
            prefix, header = (found.group(1) + "." if found else ""), None
        elif not line.startswith("|"):
            header = None
        elif header is None:
            header = _cells(line)
        elif not set(line) <= set("|- "):
            yield prefix, header, _cells(line)


def _lookup(cfg: SimConfig, key: str):
    node = cfg
    for part in key.split("."):
        if dataclasses.is_dataclass(node) and hasattr(node, part):
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(key)
    return node


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _close(doc: float, cfg: float) -> bool:
    return abs(doc - cfg) <= 0.005 * abs(cfg) + 1e-12


def _agrees(doc: str, value) -> bool:
    if doc in ("true", "false"):
        return isinstance(value, bool) and value == (doc == "true")
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _close(_number(doc), value)
    )


def drift(text: str, cfg: SimConfig) -> tuple[int, int, list[str]]:
    """Key rows checked, other rows checked, and each disagreement, in `text`'s section 7."""
    key_rows, other_rows, problems = 0, 0, []
    for prefix, header, row in _tables(text):
        first = row[0]
        if header[0] in ("bloc", "kind"):  # the blocs' and stakeholders' tables
            other_rows += 1
            group = "blocs" if header[0] == "bloc" else "stakeholders"
            node = _lookup(cfg, f"scenario.{group}.{first}")
            for name, cell in zip(header[1:], row[1:], strict=True):
                field = name.split()[0]
                if field not in ("centre", "salience", "count", "capacity_mean"):
                    continue
                got = getattr(node, field)
                docs = [_number(v) for v in cell.split(",")] if "," in cell else [_number(cell)]
                want = [got[i] for i in cfg.scenario.issues] if isinstance(got, dict) else [got]
                if len(docs) != len(want) or not all(map(_close, docs, want)):
                    problems.append(f"{group}.{first}.{field}: ODD {cell}, config {want}")
            continue
        column = next((i for i, h in enumerate(header) if "default" in h), None)
        keys = re.fullmatch(r"`([a-z_.][a-z0-9_.]*)`(?:, `[a-z_.][a-z0-9_.]*`)*", first)
        if column is None or keys is None:
            continue
        key = keys.group(1)
        if prefix and key.split(".")[0] not in _TOP:
            key = prefix + key
        cell = row[column]
        if "," in first:  # `a.b`, `c` (or `.c`): several keys of one parent, several values
            parent = key.rpartition(".")[0]
            names = [n.strip("`") for n in first.split(", ")]
            values = cell.split(", ")
            if len(values) != len(names):
                continue
            dotted = [key] + [f"{parent}.{n.lstrip('.')}" for n in names[1:]]
            pairs = list(zip(dotted, values, strict=True))
            if all(_PLAIN.match(v) for _, v in pairs):
                other_rows += 1
                problems += [
                    f"{k}: ODD {v}, config {_lookup(cfg, k)!r}"
                    for k, v in pairs
                    if not _agrees(v, _lookup(cfg, k))
                ]
            continue
        plain = _PLAIN.match(cell)
        groups = [_GROUPED.match(part.strip()) for part in cell.split(", ")]
        if plain:
            key_rows += 1
            try:
                value = _lookup(cfg, key)
            except KeyError:
                problems.append(f"{key}: no such configuration key")
                continue
            if not _agrees(plain.group(1), value):
                problems.append(f"{key}: ODD {cell}, config {value!r}")
        elif len(groups) > 1 and all(groups):
            other_rows += 1
            for g in groups:
                name, number, suffix = g.groups()
                value = _lookup(cfg, f"{key}.{name}")
                if not _close(_number(number) * _SUFFIX[suffix], value):
                    problems.append(f"{key}.{name}: ODD {number}{suffix}, config {value!r}")
    return key_rows, other_rows, problems


@pytest.fixture(scope="module")
def default_config() -> SimConfig:
    return compose_config([])


def test_odd_section_7_defaults_are_the_composed_defaults(default_config):
    key_rows, other_rows, problems = drift(ODD.read_text(encoding="utf-8"), default_config)
    assert key_rows >= MIN_KEY_ROWS, f"only {key_rows} key rows parsed"
    assert other_rows >= 8, f"only {other_rows} grouped rows parsed"
    assert not problems, "docs/ODD.md section 7 disagrees with configs/:\n" + "\n".join(problems)


def test_the_check_catches_a_stale_default(default_config):
    text = ODD.read_text(encoding="utf-8")
    stale = text.replace(
        "| `disagreement_threshold` | 0.35 |", "| `disagreement_threshold` | 0.0605 |"
    )
    assert stale != text
    assert drift(stale, default_config)[2] == [
        "process.disagreement_threshold: ODD 0.0605, config 0.35"
    ]
