"""Docs that run: every bash and python block of README.md and docs/*.md, in order.

Issue 22: a documented snippet had gone stale unnoticed. Each document runs in a fresh
copy of the repository (its tracked files, the project's .venv linked in), its blocks
in the order a reader meets them, python blocks sharing one interpreter per document
(a later snippet uses what an earlier one made). A block runs as written unless the
HTML comment on the line before its fence says otherwise:

    <!-- docs-test: long-running | replications=40 => replications=2 | ... -->
        run it with these substitutions (tiny settings); each must match;
    <!-- docs-test: long-running | exit 124 | make app => timeout 20 make app -->
        ... and expect this exit code (a server stopped by `timeout`);
    <!-- docs-test: needs ema_workbench -->
        run it when that module is installed (`make bench`), else report a skip.

In a substitution, `\n` stands for a line break.

Nothing else is skipped: `text`, `yaml` and unlabelled blocks are output or layouts,
not commands.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.shared import ROOT

pytestmark = pytest.mark.slow

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
MARK = re.compile(r"<!-- docs-test: (.*?) -->\s*$")
RUNNABLE = {"bash": "bash", "sh": "bash", "python": "python"}
TIMEOUT_S = 900

_DRIVER = r"""
import json, sys, traceback
namespace = {"__name__": "__main__"}
for line in sys.stdin:
    code = json.loads(line)
    try:
        exec(compile(code, "<docs block>", "exec"), namespace)
        result = {"ok": True}
    except BaseException:
        result = {"ok": False, "error": traceback.format_exc()}
    print(json.dumps(result), flush=True)
"""


@dataclass
class Block:
    """One code block of a document, with what its marker asks."""

    doc: Path
    line: int
    language: str
    code: str
    long_running: bool = False
    needs: str | None = None
    exit_code: int = 0
    substitutions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"

    def runnable_code(self) -> str:
        code = self.code
        for old, new in self.substitutions:
            assert old in code, f"{self.where}: the marker's {old!r} is not in the block"
            code = code.replace(old, new)
        return code


def blocks(doc: Path) -> list[Block]:
    """The document's bash and python blocks, with their markers read."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        language = RUNNABLE.get(match.group(1))
        start = text[: match.start()].count("\n") + 1
        previous = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = MARK.search(previous)
        if language is None:
            assert mark is None, f"{doc.name}:{start}: a marker on a block that never runs"
            continue
        block = Block(doc, start, language, match.group(2))
        if mark:
            parts = [p.strip() for p in mark.group(1).split(" | ")]
            kind = parts[0]
            if kind == "long-running":
                block.long_running = True
            elif kind.startswith("needs "):
                block.needs = kind.removeprefix("needs ").strip()
            else:
                raise AssertionError(f"{block.where}: unknown docs-test marker {kind!r}")
            for part in parts[1:]:
                if part.startswith("exit "):
                    block.exit_code = int(part.removeprefix("exit "))
                else:
                    old, sep, new = part.partition(" => ")
                    assert sep, f"{block.where}: {part!r} is not OLD => NEW"
                    block.substitutions.append((old.replace("\\n", "\n"), new.replace("\\n", "\n")))
            assert not block.long_running or block.substitutions, (
                f"{block.where}: a long-running block runs with tiny settings: give them"
            )
        found.append(block)
    return found


def _sandbox(tmp_path: Path) -> Path:
    """A copy of the repository's tracked files (mtimes kept), with the project's .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    root = tmp_path / "repo"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (root / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return root


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env["PATH"] = f"{root / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(root)
    env.pop("VIRTUAL_ENV", None)
    return env


class _Python:
    """One interpreter per document: python blocks share their names, as in a notebook."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [str(root / ".venv" / "bin" / "python"), "-c", _DRIVER],
            cwd=root,
            env=_env(root),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, code: str) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            return {"ok": False, "error": "the interpreter died"}
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)
        if self.process.stdout:
            self.process.stdout.close()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_of_the_document_runs(doc: Path, tmp_path: Path) -> None:
    root = _sandbox(tmp_path)
    python = None
    failures = []
    try:
        for block in blocks(doc):
            if block.needs and importlib.util.find_spec(block.needs) is None:
                continue  # reported by test_blocks_that_need_an_extra_module
            code = block.runnable_code()
            if block.language == "python":
                python = python or _Python(root)
                result = python.run(code)
                if not result["ok"]:
                    failures.append(f"{block.where} (python):\n{result['error'][-3000:]}")
                continue
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", code],
                cwd=root,
                env=_env(root),
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
            if done.returncode != block.exit_code:
                failures.append(
                    f"{block.where} (bash) exited {done.returncode}, not {block.exit_code}:\n"
                    f"{code}\n{done.stderr[-3000:]}"
                )
    finally:
        if python is not None:
            python.close()
    assert not failures, "\n\n".join(failures)


def test_blocks_that_need_an_extra_module():
    """A block that needs a module outside the project's install (EMA: `make bench`)."""
    needing = [b for doc in DOCS for b in blocks(doc) if b.needs]
    missing = sorted({b.needs for b in needing if importlib.util.find_spec(b.needs) is None})
    if missing:
        where = ", ".join(b.where for b in needing if b.needs in missing)
        pytest.skip(f"{where} need {', '.join(missing)} (make bench installs it): not run")


def test_markers_are_read_and_every_document_has_a_runnable_block():
    counted = {doc.name: len(blocks(doc)) for doc in DOCS}
    assert counted["README.md"] >= 10 and sum(counted.values()) >= 30, counted


if __name__ == "__main__":  # list the blocks and their markers
    for doc in DOCS:
        for b in blocks(doc):
            print(b.where, b.language, "long" if b.long_running else "", b.substitutions)
    sys.exit(0)
