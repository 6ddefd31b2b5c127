"""Every value the study commands take is checked: one line, exit 2, nothing written (issue 21).

The commands run in process (`main(argv)`): each case stops before any run, so none
costs more than a composition. `--help` works on every `python -m sim.*` command.
"""

from __future__ import annotations

import importlib

import pytest

SMALL = 'base=["scenario=small"]'
CASES = {
    # robustness
    "tie below 0": ("sim.robustness", ["tie=-1"], "tie = -1.0 is not allowed"),
    "tie nan": ("sim.robustness", ["tie=nan"], "tie = nan is not allowed: expected a finite"),
    "chunk 0": ("sim.robustness", ["chunk=0"], "chunk = 0 is not allowed"),
    "worlds huge": ("sim.robustness", ["worlds=10000000"], "worlds = 10000000 is not allowed"),
    "outcome unknown": ("sim.robustness", ["outcomes=[nope]"], "nope not outcome columns"),
    "outcome text": ("sim.robustness", ["outcomes=[adopted_by]"], "adopted_by not numeric"),
    "design unknown": (
        "sim.robustness",
        ['base=["process=nope"]'],
        "base: In 'config': Could not find 'process/nope'",
    ),
    "bool given 2": (
        "sim.robustness",
        ['base=["channels.amendment_votes=2"]'],
        "channels.amendment_votes = '2' is not allowed: expected true or false",
    ),
    "range beyond the model": (
        "sim.robustness",
        ["parameters.behaviour.attendance_base.high=5"],
        "parameters: the range's high end (design open_plenary): behaviour.attendance_base",
    ),
    "engine unknown": ("sim.robustness", ["engine=nope"], "engine = 'nope' is not allowed"),
    "workers negative": ("sim.robustness", ["workers=-1"], "workers = -1 is not allowed"),
    "not key=value": ("sim.robustness", ["worlds"], "'worlds': settings are key=value"),
    # sensitivity
    "samples huge": ("sim.sensitivity", ["samples=10000000"], "samples = 10000000 is not"),
    "seed negative": ("sim.sensitivity", ["seed=-1"], "seed = -1 is not allowed"),
    "replications 0": ("sim.sensitivity", ["replications=0"], "replications = 0 is not"),
    "method unknown": ("sim.sensitivity", ["method=grid"], "method = 'grid' is not allowed"),
    "bad bounds": (
        "sim.sensitivity",
        [SMALL, "parameters.behaviour.pressure_gain.low=9"],
        "parameters.behaviour.pressure_gain: expected finite low < high, got 9.0, 5.0",
    ),
    "sensitivity design": (
        "sim.sensitivity",
        ['base=["process=nope"]'],
        "Could not find 'process/nope'",
    ),
    # calibrate
    "priors the scenario lacks": (
        "sim.calibrate",
        ['base=["scenario=bbnj"]', "points=[4]", "replications=[2]"],
        "parameters: the range's low end: scenario.blocs.sovereignty.centre.scope: "
        "no configuration key 'sovereignty' at this level",
    ),
    "calibration replications huge": (
        "sim.calibrate",
        ["replications=[10000000,2,2]"],
        "replications[0] = 10000000 is not allowed",
    ),
    "cutoff 0": ("sim.calibrate", ["cutoff=0"], "cutoff = 0.0 is not allowed"),
    "confirm round empty": ("sim.calibrate", ["confirm=[40,0]"], "confirm[1] = 0 is not allowed"),
    "patterns missing": (
        "sim.calibrate",
        ["negotiations.bbnj.patterns=/no/such.yaml"],
        "does not exist",
    ),
    # out_of_sample
    "oos seed negative": ("sim.out_of_sample", ["seed=-1"], "seed = -1 is not allowed"),
    "oos replications huge": (
        "sim.out_of_sample",
        ["replications=10000000"],
        "replications = 10000000 is not allowed",
    ),
    "oos unknown key": (
        "sim.out_of_sample",
        ["replicates=3"],
        "Key 'replicates' not in 'OutOfSampleConfig'",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_values_are_one_line_exit_2_and_write_nothing(case, tmp_path, capsys) -> None:
    module, args, expected = CASES[case]
    main = importlib.import_module(module).main
    out = tmp_path / "out"
    assert main([*args, f"out={out}"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sim: error: "), captured.err
    assert expected in lines[0], lines[0]
    assert captured.out == "" and not out.exists()


COMMANDS = ["sim.calibrate", "sim.sensitivity", "sim.robustness", "sim.out_of_sample"]


@pytest.mark.parametrize("module", COMMANDS)
def test_help_lists_every_setting(module, capsys) -> None:
    assert importlib.import_module(module).main(["--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: python -m {module} [key=value ...]")
    for key in ("replications:", "seed:", "workers:", "engine:", "out:"):
        assert key in text, key
    assert "130 interrupted" in text


def test_help_of_the_reading_commands(run_cli, tmp_path) -> None:
    for module, expected in (("sim", "== Configuration groups =="), ("sim.report", "usage:"),
                             ("sim.compare", "usage:")):  # fmt: skip
        done = run_cli(tmp_path, "--help", module=module)
        assert done.returncode == 0 and expected in done.stdout, done.stderr[-2000:]


def test_hydra_full_error_0_means_off(run_cli, tmp_path) -> None:
    """Issue 21: "0" was read as "on", turning one line into a 60-90-line traceback."""
    done = run_cli(tmp_path, "process=nope", env={"HYDRA_FULL_ERROR": "0"})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.stderr.startswith("sim: error: In 'config': Could not find 'process/nope'")
    assert len(done.stderr.strip().splitlines()) == 1


def test_progress_is_a_bar_with_an_estimate_on_a_terminal_and_silent_off_it(monkeypatch):
    import io

    from sim.run import progress

    stream = io.StringIO()
    monkeypatch.setattr(progress.sys, "stderr", stream)
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    with progress.progress_bar(4, "robustness", "points") as bar:
        bar.update(2)
    text = stream.getvalue()
    assert "robustness: 2/4 points" in text and "elapsed, ~" in text and "left" in text
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    stream.truncate(0)
    with progress.progress_bar(4, "robustness", "points") as bar:
        bar.update(4)
    assert stream.getvalue() == ""


def test_sweeps_refuse_a_job_twice_and_a_resume_that_changes_crn(run_cli, tmp_path) -> None:
    twice = run_cli(tmp_path, "-m", "process=open_plenary,open_plenary", "scenario=small",
                    "replications=1")  # fmt: skip
    assert twice.returncode == 2 and "jobs #0 and #1 are the same configuration" in twice.stderr
    args = ["-m", "process=open_plenary,two_tier", "scenario=small", "replications=1"]
    args += [f"hydra.sweep.dir={tmp_path / 'sweep'}", "progress=false"]
    assert run_cli(tmp_path, *args, "crn=false").returncode == 0
    before = (tmp_path / "sweep" / "manifest.json").read_bytes()
    refused = run_cli(tmp_path, *args, "crn=true", "resume=true")
    assert refused.returncode == 3
    assert "was run with crn=false and this attempt asks for crn=true" in refused.stderr
    assert (tmp_path / "sweep" / "manifest.json").read_bytes() == before
    full = run_cli(tmp_path, "-m", "seed=1,2", "scenario=small", "hydra/launcher=joblib",
                   "hydra.launcher.n_jobs=0")  # fmt: skip
    assert full.returncode == 2 and "hydra.launcher.n_jobs = 0 is not allowed" in full.stderr
