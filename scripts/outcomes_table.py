"""Rewrite the README's table of outcome columns from `sim.model.outcomes.OUTCOMES`.

    python scripts/outcomes_table.py [README.md]

The table sits between two markers; `tests/test_outcomes.py` fails while the README
and the declared list disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.model.outcomes import markdown_table

BEGIN = "<!-- outcomes: begin (python scripts/outcomes_table.py) -->"
END = "<!-- outcomes: end -->"


def with_table(text: str) -> str:
    """`text` with the block between the markers replaced by the declared table."""
    head, found, rest = text.partition(BEGIN)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise ValueError(f"the README has no block between {BEGIN!r} and {END!r}")
    return f"{head}{BEGIN}\n{markdown_table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{path}: outcomes table rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
