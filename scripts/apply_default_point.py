"""Write a calibration's default point into the configs, and its summary into docs.

    .venv/bin/python scripts/apply_default_point.py results/calibration/v3s [--check]

Reads `<folder>/default_point.yaml` (`python -m sim.calibrate`), rounds each value to 3
significant figures, and writes it where the configs keep it, comments kept
(ruamel.yaml): a shared assumption in its group's base file and in the dataclass
default beside it (sim/config/schema.py), a member-state parameter in every
negotiation's scenario file, a negotiation's own (its coalitions, the work its text
needs) in its scenario file, the budget per planned meeting as each negotiation's
process budget. Then writes docs/calibration/summary.yaml: the point, its provenance
and the calibration's headline figures, which tests/test_calibration_summary.py holds
the configs to. `--check` only reports the differences.

`--point N --basis TEXT` applies another point of the folder's plausible set instead
(a point whose settled verdict is not plausible is refused); the summary then records
both it, with the reason given, and the point the calibration's rule chose.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIGS = ROOT / "configs"
SCHEMA = ROOT / "sim" / "config" / "schema.py"
SCENARIOS = {"ahc_cybercrime": "ahc_cybercrime", "bbnj": "bbnj", "plastics_inc": "plastics_inc"}
BUDGET = "cost.budget_per_planned_meeting_usd"
GROUP_FILES = {
    "behaviour": ("behaviour/default.yaml", "BehaviourConfig"),
    "process": ("process/two_tier.yaml", "ProcessConfig"),
    "decision": ("decision/consensus_then_vote.yaml", "DecisionConfig"),
    "ratification": ("ratification/cybercrime_convention.yaml", "RatificationConfig"),
}
CLASS_OF_SECTION = {
    "compression": "CompressionConfig",
    "delegations": "DelegationsConfig",
    "cost": "CostConfig",
}
INCOME = ("HIC", "UMIC", "LMIC", "LIC")


def sig3(value: float) -> float | int:
    """A value to 3 significant figures (integers stay integers)."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 1000):
        return int(value)
    if value == 0:
        return 0.0
    return float(f"{value:.3g}")


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    return y


def _set(tree, keys: list[str], value) -> object:
    node = tree
    for key in keys[:-1]:
        if key not in node or node[key] is None:
            node[key] = {}
        node = node[key]
    old = node.get(keys[-1]) if hasattr(node, "get") else None
    node[keys[-1]] = value
    return old


def _edit_yaml(path: Path, keys: list[str], value, edits: list[str], check: bool) -> None:
    y = _yaml()
    tree = y.load(path.read_text(encoding="utf-8"))
    old = _set(tree, keys, value)
    if old != value:
        edits.append(f"{path.relative_to(ROOT)}: {'.'.join(keys)} {old} -> {value}")
        if not check:
            with path.open("w", encoding="utf-8") as handle:
                y.dump(tree, handle)


def _edit_schema(cls: str, field: str, value, group: str | None, edits: list[str], check: bool):
    """Change a dataclass default in schema.py (a scalar, or one group of a `_by_group`)."""
    text = SCHEMA.read_text(encoding="utf-8")
    start = text.index(f"class {cls}")
    end = text.find("\n@dataclass", start + 1)
    end = len(text) if end < 0 else end
    body = text[start:end]
    if group is None:
        pattern = re.compile(rf"^(\s+{field}: [\w\[\], |]+ = )([^#\n]+?)(\s*(#.*)?)$", re.M)
        match = pattern.search(body)
        if not match:
            raise SystemExit(f"schema.py: no scalar default {cls}.{field}")
        new = match.group(1) + repr(value) + match.group(3)
    else:
        pattern = re.compile(rf"(\s+{field}: .*?_by_group\()([^)]*)(\))", re.S)
        match = pattern.search(body)
        if not match:
            raise SystemExit(f"schema.py: no _by_group default {cls}.{field}")
        values = [v.strip() for v in match.group(2).split(",")]
        values[INCOME.index(group)] = repr(value)
        new = match.group(1) + ", ".join(values) + match.group(3)
    if new != match.group(0):
        edits.append(
            f"sim/config/schema.py: {cls}.{field}{'.' + group if group else ''} -> {value}"
        )
        body = body[: match.start()] + new + body[match.end() :]
        if not check:
            SCHEMA.write_text(text[:start] + body + text[end:], encoding="utf-8")


def apply(point: dict[str, float], meetings: dict[str, int], check: bool) -> list[str]:
    edits: list[str] = []
    for name, raw in point.items():
        value = sig3(raw)
        owner, _, key = name.rpartition("/")
        parts = key.split(".")
        if key == BUDGET:
            for negotiation, scenario in SCENARIOS.items():
                budget = sig3(float(value) * meetings[negotiation])
                path = CONFIGS / (
                    "config.yaml"
                    if negotiation == "ahc_cybercrime"
                    else f"scenario/{scenario}.yaml"
                )
                _edit_yaml(path, ["cost", "process_budget_usd"], budget, edits, check)
            _edit_schema(
                "CostConfig",
                "process_budget_usd",
                sig3(float(value) * meetings["ahc_cybercrime"]),
                None,
                edits,
                check,
            )
        elif owner == "ahc_cybercrime" and parts[0] == "process":  # the default's: the base file
            _edit_yaml(CONFIGS / "process/two_tier.yaml", parts[1:], value, edits, check)
            _edit_schema(
                CLASS_OF_SECTION.get(parts[1], "ProcessConfig"),
                parts[-1],
                value,
                None,
                edits,
                check,
            )
        elif owner:  # a negotiation's own parameter, in its scenario file
            path = CONFIGS / f"scenario/{SCENARIOS[owner]}.yaml"
            _edit_yaml(path, parts, value, edits, check)
        elif parts[0] == "scenario":  # the member states: every negotiation's scenario
            for scenario in SCENARIOS.values():
                _edit_yaml(CONFIGS / f"scenario/{scenario}.yaml", parts, value, edits, check)
            group = parts[3] if len(parts) == 4 else None
            _edit_schema("DelegationsConfig", parts[2], value, group, edits, check)
        elif parts[0] == "cost":
            _edit_yaml(CONFIGS / "config.yaml", parts, value, edits, check)
            _edit_schema("CostConfig", parts[1], value, None, edits, check)
        else:
            file, cls = GROUP_FILES[parts[0]]
            _edit_yaml(CONFIGS / file, parts[1:], value, edits, check)
            if len(parts) == 3:
                cls = CLASS_OF_SECTION[parts[1]]
            _edit_schema(cls, parts[-1], value, None, edits, check)
    return edits


def _as_typed(command) -> str | None:
    """The command as a reader would type it (the manifest keeps sys.argv)."""
    if not isinstance(command, list) or not command:
        return command
    return " ".join(["python -m sim.calibrate", *command[1:]])


def _stability(folder: Path, manifest: dict) -> dict | None:
    """Per verdict, the other seed's verdicts (stability.csv); the manifest's reversals."""
    path = folder / "stability.csv"
    if not path.is_file():
        return None
    import pandas as pd

    table = pd.read_csv(path)
    out: dict = {}
    for row in table.to_dict("records"):
        out[row["verdict"]] = {
            k: int(v) for k, v in row.items() if k == "points" or k.startswith("again_")
        }
    out["reversals"] = manifest.get("stability_reversals")
    return out


def _chosen_point(folder: Path, number: int, basis: str, rule: dict) -> dict:
    """Point `number` of the folder's run points, as default_point.yaml gives the rule's."""
    import pandas as pd

    points = pd.read_parquet(folder / "points.parquet")
    rows = points[points["point"] == number]
    if rows.empty:
        raise SystemExit(f"--point {number}: no such point in {folder / 'points.parquet'}")
    row = rows.iloc[0]
    verdict = row.get("verdict", "plausible" if row["plausible"] else "ruled out")
    if verdict != "plausible":
        raise SystemExit(
            f"--point {number}: its verdict is {verdict!r}; only a plausible point can be "
            "the default"
        )
    if not basis:
        raise SystemExit("--point needs --basis: why this point rather than the rule's")
    return {
        "point": number,
        "wave": str(row["wave"]),
        "max_implausibility": float(row["max_I"]),
        "max_implausibility_band": [float(row["max_I_low"]), float(row["max_I_high"])],
        "replications": int(row["replications"]),
        "basis": basis,
        "values": {k: row[k].item() for k in rule["values"]},
    }


def _pattern_shares(folder: Path) -> dict:
    """Per negotiation and pattern: the share of the prior and of the plausible set meeting it.

    From patterns.csv: wave 1's points (the prior) and the plausible points whose runs
    meet the pattern as its table states it.
    """
    import pandas as pd

    table = pd.read_csv(folder / "patterns.csv")
    return {
        negotiation: {
            row.pattern: {
                "prior": sig3(row.share_of_prior),
                "plausible": sig3(row.share_of_plausible),
            }
            for row in part.itertuples()
        }
        for negotiation, part in table.groupby("negotiation", sort=False)
    }


def _ranges(folder: Path) -> dict:
    """Per parameter: its prior and the range of the plausible points (ranges.csv)."""
    import pandas as pd

    table = pd.read_csv(folder / "ranges.csv")
    return {
        row.parameter: {
            "prior": [sig3(row.prior_low), sig3(row.prior_high)],
            "plausible": [sig3(row.plausible_min), sig3(row.plausible_max)],
        }
        for row in table.itertuples()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--check", action="store_true", help="report differences only")
    parser.add_argument("--point", type=int, help="apply this plausible point instead")
    parser.add_argument("--basis", default="", help="why --point rather than the rule's")
    args = parser.parse_args()
    text = (args.folder / "default_point.yaml").read_text(encoding="utf-8")
    rule = yaml.safe_load(text)
    point = rule if args.point is None else _chosen_point(args.folder, args.point, args.basis, rule)
    manifest = json.loads((args.folder / "manifest.json").read_text(encoding="utf-8"))
    from sim.config import compose_config

    meetings = {
        n: compose_config(
            [] if n == "ahc_cybercrime" else [f"scenario={n}"]
        ).scenario.calendar.meetings
        for n in SCENARIOS
    }
    edits = apply(point["values"], meetings, args.check)
    print("\n".join(edits) or "the configs already hold the default point")
    if not args.check:
        summary = {
            "source": str(args.folder),
            "command": _as_typed(manifest.get("command")),
            "commit": manifest.get("git", {}).get("commit")
            if isinstance(manifest.get("git"), dict)
            else manifest.get("git_commit"),
            "point": point["point"],
            "wave": point["wave"],
            "max_implausibility": point["max_implausibility"],
            "max_implausibility_band": point.get("max_implausibility_band"),
            "basis": point.get("basis"),
            "rule_point": {
                "point": rule["point"],
                "wave": rule["wave"],
                "max_implausibility": rule["max_implausibility"],
            },
            "plausible_points": manifest.get("plausible"),
            "verdicts": manifest.get("verdicts"),
            "stability": _stability(args.folder, manifest),
            "points_run": manifest.get("points_run"),
            "nroy_share_by_wave": manifest.get("nroy_share_by_wave"),
            "unreachable_patterns": manifest.get("unreachable_patterns"),
            "values": {k: sig3(v) for k, v in point["values"].items()},
            "patterns": _pattern_shares(args.folder),
            "ranges": _ranges(args.folder),
        }
        out = ROOT / "docs" / "calibration" / "summary.yaml"
        out.parent.mkdir(parents=True, exist_ok=True)
        head = "# The calibration behind the defaults (scripts/apply_default_point.py wrote it).\n"
        tables = {k: summary.pop(k) for k in ("patterns", "ranges")}  # a line per entry
        text = yaml.safe_dump(summary, sort_keys=False)
        text += yaml.safe_dump(tables, sort_keys=False, default_flow_style=None)
        out.write_text(head + text, encoding="utf-8")
        print(out)
    return 0 if not (args.check and edits) else 1


if __name__ == "__main__":
    raise SystemExit(main())
