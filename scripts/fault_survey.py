"""Every command tried as a new user would, and each outcome sorted into one of six classes.

    python scripts/fault_survey.py [--out docs/faults.md] [--only sim.robustness ...]

Runs each `python -m sim.*` command in a subprocess (small scenario, a scratch folder)
with bad values, foreign or finished folders, unwritable disks, interrupts, kills and
damaged pieces, and sorts what happened:

- *right result*: exit 0 and the result checks out (every row once, as an uninterrupted
  run gives it);
- *clear error*: the documented exit code (docs/sweeps.md) and one `sim: error:` line;
- *traceback*: a Python traceback on stderr;
- *silently wrong*: exit 0 (or the expected code) but the result or the folder is wrong;
- *lost*: a folder that existed before the command changed;
- *other*: any other exit code or message (a case the survey did not foresee).

The same classes as the issue that asked for it ("every command as solid as the sweep");
the tests pin each class (tests/test_study_faults.py, test_study_inputs.py, test_faults.py,
test_cli_errors.py); this script counts them over a wider set, for the record in
docs/faults.md. About ten minutes on two cores; run as root for the disk cases (tmpfs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import studies  # noqa: E402
from tests.processes import alive, wait_for, workers_of  # noqa: E402
from tests.studies import (  # noqa: E402
    CALIBRATION,
    ROBUSTNESS,
    SENSITIVITY,
    SMALL,
    runs,
    snapshot,
    start,
)

CLASSES = ["right result", "clear error", "traceback", "silently wrong", "lost", "other"]
USAGE, REFUSED, STORAGE, INTERRUPTED, INCOMPLETE = 2, 3, 4, 130, 1

STUDY_COMMANDS = (
    "sim.calibrate",
    "sim.sensitivity",
    "sim.robustness",
    "sim.out_of_sample",
    "sim.claims",
)
STUDIES = {"sim.robustness": ROBUSTNESS, "sim.sensitivity": SENSITIVITY}
TINY_RUN = ["scenario=small", "replications=1", "progress=false"]


@dataclass
class Done:
    """How a command (or a scripted session) ended."""

    code: int
    stderr: str
    stdout: str = ""


@dataclass
class Case:
    """One thing a user tries: the command, what is expected, and how to check the result."""

    command: str
    name: str
    args: list[str] = field(default_factory=list)
    expect: int = 0
    check: Callable[[Path], str | None] | None = None  # a problem with the result, or None
    guard: Callable[[], list[Path]] = list  # folders that must come out unchanged
    env: dict[str, str] = field(default_factory=dict)
    act: Callable[[Case, Path], Done] | None = None  # a scripted session instead of one run


# ---------------------------------------------------------------- running and reading


def run(cwd: Path, module: str, *args: str, env: dict | None = None, prefix: str = "") -> Done:
    done = studies.run(cwd, module, *args, env=env, prefix=prefix)
    return Done(done.returncode, done.stderr, done.stdout)


def one_error_line(stderr: str) -> bool:
    errors = [
        ln for ln in stderr.splitlines() if ln.startswith(("sim: error:", "sim: interrupted"))
    ]
    return len(errors) == 1


def classify(case: Case, done: Done, problem: str | None, lost: bool) -> str:
    if lost:
        return "lost"
    if "Traceback (most recent call last)" in done.stderr:
        return "traceback"
    if problem is not None:
        return "silently wrong"
    if case.expect == 0:
        return "right result" if done.code == 0 else "other"
    if done.code == 0:
        return "silently wrong"
    return "clear error" if done.code == case.expect and one_error_line(done.stderr) else "other"


@contextlib.contextmanager
def disk(path: Path, options: str) -> Iterator[Path]:
    """A tmpfs: read-only (`ro`) or tiny (`size=40k`); as root, permission bits stop nothing."""
    path.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


# ---------------------------------------------------------------- the fixtures every case shares


class World:
    """Folders made once: a finished run, a finished sweep, each study's uninterrupted rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.single = self._command_folder("single", *TINY_RUN)
        self.sweep = self._command_folder("sweep", "-m", *TINY_RUN, "seed=1,2", "crn=false")
        self.truth = {}
        for module, args in STUDIES.items():
            out = root / "truth" / module
            done = run(root, module, *args, f"out={out}")
            assert done.code == 0, done.stderr[-2000:]
            self.truth[module] = runs(out)
            self.truth[module + ":folder"] = out
        self.calibration = root / "truth" / "calibration"
        done = run(root, "sim.calibrate", *CALIBRATION, f"out={self.calibration}")
        assert done.code == 0, done.stderr[-2000:]
        self.points = pd.read_parquet(self.calibration / "points.parquet")

    def _command_folder(self, name: str, *args: str) -> Path:
        cwd = self.root / name
        cwd.mkdir()
        done = run(cwd, "sim", *args)
        assert done.code == 0, done.stderr[-2000:]
        return Path(done.stdout.strip().splitlines()[-1])

    def scratch(self, case: Case) -> Path:
        slug = "".join(c if c.isalnum() else "_" for c in f"{case.command}_{case.name}")
        path = self.root / "cases" / slug
        path.mkdir(parents=True)
        return path


def same_rows(world: World, module: str) -> Callable[[Path], str | None]:
    def check(out: Path) -> str | None:
        got, want = runs(out), world.truth[module]
        if len(got) != len(want):
            return f"{len(got)} rows, uninterrupted {len(want)}"
        try:
            pd.testing.assert_frame_equal(got, want)
        except AssertionError as error:
            return f"rows differ: {str(error).splitlines()[0]}"
        return None

    return check


def nothing_written(out: Path) -> str | None:
    return f"{out} was created" if out.exists() else None


# ---------------------------------------------------------------- scripted sessions


def kill_then_resume(module: str, args: list[str], fault: str, change: list[str]):
    def act(case: Case, cwd: Path) -> Done:
        out = cwd / "out"
        killed = run(cwd, module, *args, f"out={out}", env={"SIM_FAULT": f"{fault}:kill"})
        if killed.code != -signal.SIGKILL:
            return Done(killed.code, "the kill did not happen: " + killed.stderr)
        return run(cwd, module, *args, *change, f"out={out}")

    return act


def interrupt_then_resume(module: str, args: list[str], how: signal.Signals, code: int):
    def act(case: Case, cwd: Path) -> Done:
        out = cwd / "out"
        full = [*args, "workers=2", f"out={out}"]
        proc = start(cwd, module, *full, env={"SIM_FAULT": "job-done@1:sleep"})
        wait_for(lambda: any(out.glob("pieces/*/manifest.json")), proc=proc)
        workers = workers_of(proc, "spawn_main", 2)
        if how == signal.SIGINT:
            os.killpg(proc.pid, how)  # a terminal signals the whole group
        else:
            proc.send_signal(how)
        _, err = proc.communicate(timeout=60)
        if proc.returncode != code:
            return Done(proc.returncode, err)
        with contextlib.suppress(AssertionError):
            wait_for(lambda: not any(alive(pid) for pid in workers), timeout=10)
        if any(alive(pid) for pid in workers):
            return Done(proc.returncode, err + "\nworkers outlived the command")
        resumed = run(cwd, module, *full)
        if resumed.code != 0:
            return Done(resumed.code, err + resumed.stderr)
        return Done(0, err.replace("sim: interrupted", "(interrupted, then resumed)"))

    return act


def killed_worker(module: str, args: list[str]):
    def act(case: Case, cwd: Path) -> Done:
        out = cwd / "out"
        full = [*args, "workers=2", "chunk=1", f"out={out}"]
        fault = {"SIM_FAULT": "job-done@2:sleep", "SIM_FAULT_SECONDS": "4"}
        proc = start(cwd, module, *full, env=fault)
        wait_for(lambda: len(list(out.glob("pieces/*/manifest.json"))) >= 2, proc=proc)
        os.kill(min(workers_of(proc, "spawn_main", 2)), signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
        if proc.returncode != INCOMPLETE or not one_error_line(err):
            return Done(proc.returncode, err)
        resumed = run(cwd, module, *full)
        return Done(resumed.code, resumed.stderr)

    return act


def damaged_pieces(world: World, module: str, args: list[str]):
    def act(case: Case, cwd: Path) -> Done:
        out, other = cwd / "out", cwd / "other"
        for folder, extra in ((out, []), (other, ["seed=9"])):
            done = run(cwd, module, *args, *extra, f"out={folder}")
            if done.code != 0:
                return done
        damaged = out / "pieces" / "00000000" / "runs.parquet"
        damaged.write_bytes(damaged.read_bytes()[:300])
        second = sorted(p.name for p in (out / "pieces").iterdir())[1]
        shutil.rmtree(out / "pieces" / second)
        shutil.copytree(other / "pieces" / second, out / "pieces" / second)  # swapped
        return run(cwd, module, *args, f"out={out}")

    return act


def busy_folder(module: str, args: list[str]):
    """A second command on a folder another is writing: refused, the first unharmed."""

    def act(case: Case, cwd: Path) -> Done:
        out = cwd / "out"
        env = {"SIM_FAULT": "job-done@1:sleep", "SIM_FAULT_SECONDS": "8"}
        first = start(cwd, module, *args, f"out={out}", env=env)
        wait_for(lambda: any(out.glob("pieces/*/manifest.json")), proc=first)
        second = run(cwd, module, *args, f"out={out}")
        first.communicate(timeout=300)
        if first.returncode != 0:
            return Done(first.returncode, "the first command failed")
        return second

    return act


def edited_table(module: str, args: list[str]):
    def act(case: Case, cwd: Path) -> Done:
        from sim.config.members import load_member_table

        members = load_member_table("un_member_states").head(40)
        table = cwd / "members.csv"
        members[["name", "iso3", "un_region", "income_group", "ldc"]].to_csv(table, index=False)
        base = f'base=["scenario.delegations.include=[]","scenario.delegations.table={table}"]'
        if module == "sim.calibrate":
            base = (
                'negotiations.ahc_cybercrime.overrides=["scenario=small",'
                f'"scenario.delegations.include=[]","scenario.delegations.table={table}"]'
            )
        full = [*args, base, f"out={cwd / 'out'}"]
        killed = run(cwd, module, *full, env={"SIM_FAULT": "job-done@1:kill"})
        if killed.code != -signal.SIGKILL:
            return Done(killed.code, "the kill did not happen: " + killed.stderr)
        table.write_bytes(table.read_bytes().replace(b",LIC,", b",LMIC,", 1))
        before = snapshot(cwd / "out")
        refused = run(cwd, module, *full)
        if snapshot(cwd / "out") != before:
            return Done(refused.code, refused.stderr + "\nLOST: the folder changed")
        return refused

    return act


def rerun_unchanged(module: str, args: list[str]):
    """The same command again on its finished folder: nothing runs, nothing changes."""

    def act(case: Case, cwd: Path) -> Done:
        out = cwd / "out"
        first = run(cwd, module, *args, f"out={out}")
        if first.code != 0:
            return first
        before = snapshot(out / "pieces")
        again = run(cwd, module, *args, f"out={out}")
        if snapshot(out / "pieces") != before:
            return Done(again.code, again.stderr + "\nLOST: finished pieces changed")
        return again

    return act


def on_disk(module: str, args: list[str], options: str, out_flag: str = "out="):
    def act(case: Case, cwd: Path) -> Done:
        if os.geteuid() != 0:
            return Done(-999, "needs root for a tmpfs mount")
        with disk(cwd / "mnt", options) as mount:
            return run(cwd, module, *args, f"{out_flag}{mount / 'out'}")

    return act


def sweep_then(module_args: list[str], then: list[str]):
    """Make a sweep of two designs, then run `then` on its folder (a reading command)."""

    def act(case: Case, cwd: Path) -> Done:
        made = run(cwd, "sim", "-m", "process=open_plenary,two_tier", *TINY_RUN)
        if made.code != 0:
            return made
        folder = made.stdout.strip().splitlines()[-1]
        return run(cwd, case.command, folder, *then)

    return act


def partial_sweep(then: list[str]):
    def act(case: Case, cwd: Path) -> Done:
        fault = {"SIM_FAULT": "job-done@1:kill"}
        args = ["-m", "process=open_plenary,two_tier", *TINY_RUN, f"hydra.sweep.dir={cwd}/sw"]
        run(cwd, "sim", *args, env=fault)
        return run(cwd, case.command, str(cwd / "sw"), *then)

    return act


# ---------------------------------------------------------------- the cases


def cases(world: World) -> list[Case]:
    found: list[Case] = []
    add = found.append
    finished = lambda: [world.single, world.sweep]  # noqa: E731

    # python -m sim: single runs and sweeps
    for name, args in {
        "bad value": ["cost.meeting_usd=-5"],
        "bad type": ["cost.meeting_usd=abc"],
        "unknown key": ["cost.meeting_usdd=1"],
        "unknown option": ["process=nope"],
        "bad syntax": ["cost.meeting_usd=[1"],
        "missing table": ["scenario.delegations.table=/no/such.csv"],
        "table is a folder": ["scenario.delegations.table=/tmp/"],
        "appended unknown key": ["+replicates=5"],
        "bool given 2": ["channels.amendment_votes=2"],
        "replications 0": ["replications=0"],
        "negative seed": ["seed=-1"],
        "bad value in a sweep": ["-m", "cost.meeting_usdd=1,2"],
        "the same job twice": ["-m", "process=open_plenary,open_plenary"],
        "resume of no folder": ["-m", "process=open_plenary,two_tier", "resume=/no/such/sweep"],
        "n_jobs 0": ["-m", "seed=1,2", "hydra/launcher=joblib", "hydra.launcher.n_jobs=0"],
    }.items():
        flag, rest = (["-m"], args[1:]) if args[:1] == ["-m"] else ([], args)
        add(Case("sim", name, [*flag, *TINY_RUN, *rest], USAGE))  # the bad value last: it wins
    add(
        Case(
            "sim",
            "HYDRA_FULL_ERROR=0",
            ["process=nope", *TINY_RUN],
            USAGE,
            env={"HYDRA_FULL_ERROR": "0"},
        )
    )
    add(Case("sim", "--help", ["--help"]))
    add(Case("sim", "a run", TINY_RUN))
    add(Case("sim", "a sweep", ["-m", "process=open_plenary,two_tier", *TINY_RUN]))
    add(
        Case(
            "sim",
            "into a finished run",
            [*TINY_RUN, f"hydra.run.dir={world.single}"],
            REFUSED,
            guard=finished,
        )
    )
    add(
        Case(
            "sim",
            "resume changing crn",
            [
                "-m",
                *TINY_RUN,
                "seed=1,2",
                "crn=true",
                f"hydra.sweep.dir={world.sweep}",
                "resume=true",
            ],
            REFUSED,
            guard=finished,
        )
    )
    add(
        Case(
            "sim",
            "read-only disk",
            [],
            STORAGE,
            act=on_disk("sim", TINY_RUN, "ro,size=64k", "hydra.run.dir="),
        )
    )
    add(
        Case(
            "sim",
            "full disk",
            [],
            STORAGE,
            act=on_disk("sim", TINY_RUN, "size=40k", "hydra.run.dir="),
        )
    )

    # the study commands: bad values
    bad = {
        "sim.robustness": {
            "tie below 0": ["tie=-1"],
            "tie nan": ["tie=nan"],
            "chunk 0": ["chunk=0"],
            "worlds huge": ["worlds=10000000"],
            "outcome unknown": ["outcomes=[nope]"],
            "outcome not numeric": ["outcomes=[adopted_by]"],
            "design unknown": ['base=["process=nope"]'],
            "bool given 2": ['base=["channels.amendment_votes=2"]'],
            "range beyond the model": ["parameters.behaviour.attendance_base.high=5"],
            "engine unknown": ["engine=nope"],
            "workers negative": ["workers=-1"],
            "not key=value": ["worlds"],
            "unknown key": ["world=3"],
            "bad syntax": ["worlds=[1"],
        },
        "sim.sensitivity": {
            "samples huge": ["samples=10000000"],
            "seed negative": ["seed=-1"],
            "replications 0": ["replications=0"],
            "method unknown": ["method=grid"],
            "bad bounds": [SMALL[0], "parameters.behaviour.pressure_gain.low=9"],
            "design unknown": ['base=["process=nope"]'],
            "outcome unknown": ["outcomes=[nope]"],
            "chunk negative": ["chunk=-2"],
        },
        "sim.calibrate": {
            "priors the scenario lacks": [
                'base=["scenario=bbnj"]',
                "points=[4]",
                "replications=[2]",
            ],
            "replications huge": ["replications=[10000000,2,2]"],
            "cutoff 0": ["cutoff=0"],
            "confirm round empty": ["confirm=[40,0]"],
            "patterns missing": ["negotiations.bbnj.patterns=/no/such.yaml"],
            "points 0": ["points=[0]"],
            "unknown negotiation": ["calibrate_on=[nope]"],
        },
        "sim.out_of_sample": {
            "seed negative": ["seed=-1"],
            "replications huge": ["replications=10000000"],
            "unknown key": ["replicates=3"],
            "engine unknown": ["engine=nope"],
        },
        "sim.claims": {
            "no such calibration": ["/no/such/calibration"],
            "points 0": [str(world.calibration), "points=0"],
            "not a calibration": [str(world.single)],
        },
    }
    small = {  # a bad value the check missed then costs seconds, not the full study
        **STUDIES,
        "sim.calibrate": CALIBRATION,
        "sim.out_of_sample": ["replications=1", "workers=1"],
    }
    whole = {"priors the scenario lacks", "patterns missing"}  # about keys small drops
    for module, named in bad.items():
        for name, args in named.items():
            settings = [] if name in whole else small.get(module, [])
            add(
                Case(module, name, [*settings, *args], USAGE, check=nothing_written, guard=finished)
            )
    for module in (
        "sim.calibrate",
        "sim.sensitivity",
        "sim.robustness",
        "sim.out_of_sample",
        "sim.claims",
        "sim.report",
        "sim.compare",
    ):
        add(Case(module, "--help", ["--help"]))

    # the study commands: results, folders, faults
    for module, args in STUDIES.items():
        rows = same_rows(world, module)
        add(Case(module, "a study", args, check=rows))
        add(Case(module, "re-run when finished", act=rerun_unchanged(module, args), check=rows))
        add(
            Case(
                module,
                "into a finished run",
                [*args, f"out={world.single}"],
                REFUSED,
                guard=finished,
            )
        )
        add(
            Case(
                module,
                "into a finished sweep",
                [*args, f"out={world.sweep}"],
                REFUSED,
                guard=finished,
            )
        )
        other = "sim.sensitivity" if module == "sim.robustness" else "sim.robustness"
        add(
            Case(
                module,
                "into another study",
                [*args, f"out={world.truth[other + ':folder']}"],
                REFUSED,
                guard=lambda o=other: [world.truth[o + ":folder"]],
            )
        )
        add(Case(module, "a folder in use", act=busy_folder(module, args), expect=REFUSED))
        add(
            Case(module, "read-only disk", expect=STORAGE, act=on_disk(module, args, "ro,size=64k"))
        )
        add(Case(module, "full disk", expect=STORAGE, act=on_disk(module, args, "size=40k")))
        for sig, label in ((signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM")):
            add(
                Case(
                    module,
                    f"{label}, then resume",
                    check=rows,
                    act=interrupt_then_resume(module, args, sig, INTERRUPTED),
                )
            )
        add(
            Case(
                module, "a worker killed, then resume", act=killed_worker(module, args), check=rows
            )
        )
        add(
            Case(
                module,
                "damaged and swapped pieces",
                check=rows,
                act=damaged_pieces(world, module, args),
            )
        )
        add(
            Case(
                module, "edited table, then resume", expect=REFUSED, act=edited_table(module, args)
            )
        )
    kills = {
        "sim.robustness": [
            ("job-done@1", ["chunk=10"]),
            ("write@2", ["chunk=3"]),
            ("renamed@1", []),
        ],
        "sim.sensitivity": [
            ("job-tables@2", ["chunk=4"]),
            ("renamed@3", ["chunk=1"]),
            ("write@1", []),
        ],
    }
    for module, faults in kills.items():
        for fault, change in faults:
            name = f"kill -9 at {fault}, resume {' '.join(change) or 'as before'}"
            add(
                Case(
                    module,
                    name,
                    act=kill_then_resume(module, STUDIES[module], fault, change),
                    check=same_rows(world, module),
                )
            )
    add(
        Case(
            "sim.sensitivity",
            "rush_cost asked in base",
            [a for a in SENSITIVITY if not a.startswith(("base=", "outcomes="))]
            + ['base=["scenario=small","measures.rush_cost=true"]', "outcomes=[adopted_by_code]"],
            check=lambda out: (
                None if runs(out)["rush_cost"].notna().any() else "rush_cost null in every run"
            ),
        )
    )

    def same_points(out: Path) -> str | None:
        got = pd.read_parquet(out / "points.parquet")
        keys = ["point", "max_I", "verdict"]
        same = got[keys].reset_index(drop=True).equals(world.points[keys].reset_index(drop=True))
        return None if same else "points differ from the uninterrupted calibration"

    add(Case("sim.calibrate", "a calibration", CALIBRATION, check=same_points))
    add(
        Case(
            "sim.calibrate",
            "kill -9, then resume",
            act=kill_then_resume("sim.calibrate", CALIBRATION, "job-done@1", []),
            check=same_points,
        )
    )
    add(
        Case(
            "sim.calibrate",
            "into a finished run",
            [*CALIBRATION, f"out={world.single}"],
            REFUSED,
            guard=finished,
        )
    )
    add(
        Case(
            "sim.calibrate",
            "read-only disk",
            expect=STORAGE,
            act=on_disk("sim.calibrate", CALIBRATION, "ro,size=64k"),
        )
    )
    add(
        Case(
            "sim.calibrate",
            "edited table, then resume",
            expect=REFUSED,
            act=edited_table("sim.calibrate", CALIBRATION),
        )
    )
    oos = ["replications=1", "workers=1"]
    add(
        Case(
            "sim.out_of_sample",
            "into a finished run",
            [*oos, f"out={world.single}"],
            REFUSED,
            guard=finished,
        )
    )
    add(
        Case(
            "sim.out_of_sample",
            "into a finished sweep",
            [*oos, f"out={world.sweep}"],
            REFUSED,
            guard=finished,
        )
    )
    add(
        Case(
            "sim.out_of_sample",
            "read-only disk",
            expect=STORAGE,
            act=on_disk("sim.out_of_sample", oos, "ro,size=64k"),
        )
    )
    add(
        Case(
            "sim.claims",
            "into a finished run",
            [str(world.calibration), f"out={world.single}", "points=2", "replications=2"],
            REFUSED,
            guard=finished,
        )
    )

    # the reading commands
    for module, flags in (("sim.report", []), ("sim.compare", ["--by", "process"])):
        add(Case(module, "a sweep", act=sweep_then([], flags)))
        add(Case(module, "no such folder", ["/no/such/folder", *flags], USAGE))
        add(Case(module, "a partial sweep", act=partial_sweep(flags), expect=INCOMPLETE))
        add(
            Case(
                module,
                "unknown metric",
                act=sweep_then([], [*flags, "--metrics", "nope"]),
                expect=USAGE,
            )
        )
    add(
        Case(
            "sim.compare",
            "unknown design column",
            act=sweep_then([], ["--by", "nope"]),
            expect=USAGE,
        )
    )
    add(
        Case(
            "sim.report",
            "read-only --out",
            expect=STORAGE,
            act=lambda case, cwd: _report_read_only(cwd),
        )
    )
    return found


def _report_read_only(cwd: Path) -> Done:
    if os.geteuid() != 0:
        return Done(-999, "needs root for a tmpfs mount")
    made = run(cwd, "sim", "-m", "process=open_plenary,two_tier", *TINY_RUN)
    folder = made.stdout.strip().splitlines()[-1]
    with disk(cwd / "mnt", "ro,size=64k") as mount:
        return run(cwd, "sim.report", folder, "--out", str(mount / "report"))


# ---------------------------------------------------------------- the survey


def survey(only: list[str] | None) -> pd.DataFrame:
    root = Path(tempfile.mkdtemp(prefix="fault_survey_"))
    world = World(root)
    rows = []
    chosen = [c for c in cases(world) if not only or c.command in only]
    for i, case in enumerate(chosen, 1):
        cwd = world.scratch(case)
        guarded = {p: snapshot(p) for p in case.guard()}
        began = time.monotonic()
        if case.act is not None:
            done = case.act(case, cwd)
        else:
            args = list(case.args)
            chosen_out = any(a.startswith("out=") for a in args)
            if case.command in STUDY_COMMANDS and "--help" not in args and not chosen_out:
                args = [*args, f"out={cwd / 'out'}"]
            done = run(cwd, case.command, *args, env=case.env)
        lost = any(snapshot(p) != d for p, d in guarded.items()) or "LOST:" in done.stderr
        problem = None
        checkable = (case.expect == 0 and done.code == 0) or case.check is nothing_written
        if case.check is not None and checkable and "Traceback" not in done.stderr and not lost:
            problem = case.check(cwd / "out")
        label = classify(case, done, problem, lost)
        last = next((ln for ln in reversed(done.stderr.splitlines()) if ln.strip()), "")
        last = last.replace(str(root), "<scratch>")
        rows.append(
            {
                "command": case.command,
                "case": case.name,
                "expected": case.expect,
                "exit": done.code,
                "class": label,
                "problem": problem or "",
                "message": last[:160],
                "seconds": round(time.monotonic() - began, 1),
            }
        )
        print(
            f"[{i}/{len(chosen)}] {case.command} | {case.name}: {label} (exit {done.code})",
            file=sys.stderr,
            flush=True,
        )
    shutil.rmtree(root, ignore_errors=True)
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    cells = [[str(v).replace("|", "\\|") for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in cells)])


def table(found: pd.DataFrame) -> str:
    counts = found.groupby("command")["class"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=CLASSES, fill_value=0)
    counts.loc["all"] = counts.sum()
    lines = [
        "| command | cases | " + " | ".join(CLASSES) + " |",
        "|---|---|" + "---|" * len(CLASSES),
    ]
    for command, row in counts.iterrows():
        lines.append(f"| `{command}` | {row.sum()} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table and every case here (.md)")
    parser.add_argument("--only", nargs="*", help="commands to try (default: all)")
    options = parser.parse_args()
    found = survey(options.only)
    text = table(found)
    print(text)
    if options.out:
        detail = markdown(found.drop(columns=["seconds"]))
        head = (
            "# Every command, tried as a new user would\n\n"
            "Made by `.venv/bin/python scripts/fault_survey.py --out docs/faults.md` (the "
            "classes are defined in the script's docstring; the tests that pin each class: "
            "tests/test_study_faults.py, test_study_inputs.py, test_faults.py, "
            "test_cli_errors.py).\n\n"
        )
        options.out.write_text(
            f"{head}{text}\n\nEvery case (the last line on stderr):\n\n{detail}\n",
            encoding="utf-8",
        )
        found.to_csv(options.out.with_suffix(".csv"), index=False)
    bad = found["class"].isin(["traceback", "silently wrong", "lost", "other"])
    return 1 if bad.any() else 0


if __name__ == "__main__":
    raise SystemExit(main())
