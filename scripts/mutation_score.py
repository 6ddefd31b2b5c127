"""Per-module mutation scores from mutmut's results in mutants/ (`make mutate`).

    python scripts/mutation_score.py [sim/model/decision.py sim/analysis/stats.py ...]

For each module mutmut has results for (or those named; sim/model and the statistics of
sim/analysis, see [tool.mutmut] only_mutate), prints killed, survived (with
mutants no selected test reaches, "no tests", counted apart), timeouts and the total
checked, and the score: (killed + timeout) / checked, the definition mutmut's own badge
uses. Mutants not yet checked are left out of the score and counted as such. Then the
survivors' names, for `mutmut show NAME`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

MUTANTS = Path("mutants")


def scores(paths: list[str]) -> list[tuple[str, Counter, list[str]]]:
    metas = sorted(MUTANTS.glob("sim/**/*.py.meta"))
    wanted = {str(Path(p)) for p in paths}
    out = []
    for meta in metas:
        module = str(meta.relative_to(MUTANTS))[: -len(".meta")]
        if wanted and module not in wanted:
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:
            continue
        status = {name: status_by_exit_code[code] for name, code in codes.items()}
        count = Counter(status.values())
        if wanted or count["not checked"] < len(status):
            survivors = sorted(n for n, s in status.items() if s in ("survived", "no tests"))
            out.append((module, count, survivors))
    return out


def main(argv: list[str]) -> int:
    rows = scores(argv)
    if not rows:
        print("no mutmut results: run `make mutate` first")
        return 1
    header = ("module", "killed", "survived", "no tests", "timeout", "checked", "not run", "score")
    print("{:<32} {:>7} {:>8} {:>8} {:>7} {:>7} {:>7} {:>6}".format(*header))
    for module, c, _ in rows:
        caught = c["killed"] + c["timeout"]
        checked = sum(c.values()) - c["not checked"] - c["skipped"]
        score = f"{100 * caught / checked:.1f}%" if checked else "-"
        print(
            f"{module:<32} {c['killed']:>7} {c['survived']:>8} {c['no tests']:>8} "
            f"{c['timeout']:>7} {checked:>7} {c['not checked']:>7} {score:>6}"
        )
    for module, _, survivors in rows:
        if survivors:
            print(f"\n{module}: {len(survivors)} not killed")
            for name in survivors:
                print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
