"""The report: a results folder becomes figures, tables and one offline HTML page.

The page is opened in headless Chromium (through choreographer, which kaleido uses)
with every request sent to a dead proxy: it must draw every figure, log no console
error and ask for nothing but itself.
"""

from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from sim.figures.export import find_chromium
from sim.report.__main__ import main
from sim.report.build import make_report, plan_groupings
from sim.run.job import run_job
from sim.run.sweep import job_key
from sim.store import aggregate_table, sweep_jobs


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory, compose) -> Path:
    """A complete sweep folder (2 processes x 2 meeting costs, 5 runs each), made in-process."""
    folder = tmp_path_factory.mktemp("sweep")
    jobs = []
    for num, (process, cost) in enumerate(
        (p, c) for p in ("open_plenary", "two_tier") for c in ("5e5", "1e6")
    ):
        cfg = compose(
            "scenario=small", f"process={process}", f"cost.meeting_usd={cost}", "replications=5"
        )
        key = job_key(cfg)
        params = {"process": process, "cost.meeting_usd": float(cost)}
        run_job(cfg, folder / key, extra={"params": params})
        jobs.append({"num": num, "key": key, "params": params, "status": "completed"})
    manifest = {"kind": "sweep", "name": "tiny", "status": "completed", "jobs": jobs}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for table in ("runs", "meetings"):
        aggregate_table(folder, table, sweep_jobs(folder))
    return folder


@pytest.fixture(scope="module")
def report(sweep_dir: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    return make_report(sweep_dir, out, command="pytest")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "action", "data")]


def test_report_writes_everything(report: Path) -> None:
    out = report.parent
    figures = {p.name for p in (out / "figures").iterdir()}
    for name in (
        "cost_attendance_rate_LIC_by_process",
        "cost_informal_coverage_LIC_by_process",
        "cost_voice_share_LIC_by_process",
        "consensus_by_process-meeting_usd",
        "representation_by_process-meeting_usd",
        "text_distance_by_process-meeting_usd",
        "frontier_attendance_rate_LIC_by_process-meeting_usd",
        "text_trajectory",
        "attendance_heatmap",
        "ratification_band",  # the folder holds parties by month
    ):
        assert {f"{name}.{ext}" for ext in ("pdf", "svg", "png", "csv")} <= figures, name
    comparison = {p.name for p in (out / "comparison").iterdir()}
    assert {"compare_process.md", "compare_process.tex", "compare_meeting_usd.md"} <= comparison
    manifest = json.loads((out / "report.json").read_text())
    assert manifest["single_run"]["not_reproduced"] == []
    assert all(len(h) == 64 for h in manifest["files"].values())


def test_report_html_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(text)
    external = [u for u in parser.urls if re.match(r"^\s*(https?:)?//", u, re.I)]
    assert external == []
    assert all(not u.startswith("/") for u in parser.urls), "links must be relative"
    assert text.count("plotly.js v") <= 2  # one inline copy of the library (its banner)
    assert len(re.findall(r'<script type="text/javascript">/\*\*', text)) == 1
    for section in ("Figures", "Comparison tables", "Configuration", "Manifest"):
        assert f">{section}</h2>" in text


def test_default_groupings(sweep_dir: Path) -> None:
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    assert plan_groupings(runs) == [["process", "meeting_usd"]]
    assert plan_groupings(runs, ["funding"]) == [["funding"]]


async def _open_offline(url: str) -> dict[str, object]:
    """Load ``url`` in headless Chromium behind a dead proxy; gather requests and errors."""
    import choreographer as choreo

    requests: list[str] = []
    errors: list[str] = []

    async def on_request(event) -> None:
        requests.append(event["params"]["request"]["url"])

    async def on_console(event) -> None:
        if event["params"].get("type") in ("error", "assert"):
            errors.append(json.dumps(event["params"].get("args"))[:300])

    async def on_exception(event) -> None:
        errors.append(json.dumps(event["params"].get("exceptionDetails"))[:300])

    async def on_log(event) -> None:
        entry = event["params"]["entry"]
        if entry.get("level") == "error":
            errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")

    browser = choreo.Browser(path=find_chromium(), headless=True, proxy_server="127.0.0.1:9")
    async with browser:
        tab = await browser.create_tab("about:blank")
        session = await tab.create_session()
        session.subscribe("Network.requestWillBeSent", on_request)
        session.subscribe("Runtime.consoleAPICalled", on_console)
        session.subscribe("Runtime.exceptionThrown", on_exception)
        session.subscribe("Log.entryAdded", on_log)
        for domain in ("Network", "Runtime", "Log", "Page"):
            await session.send_command(f"{domain}.enable")
        loaded = session.subscribe_once("Page.loadEventFired")
        await session.send_command("Page.navigate", params={"url": url})
        await asyncio.wait_for(loaded, timeout=60)
        await asyncio.sleep(1.0)  # let plotly draw and any late request show up
        result = await session.send_command(
            "Runtime.evaluate",
            params={
                "expression": "[document.querySelectorAll('.js-plotly-plot').length,"
                " document.querySelectorAll('.js-plotly-plot .main-svg').length,"
                " document.querySelectorAll('figure').length]",
                "returnByValue": True,
            },
        )
    plots, svgs, figures = result["result"]["result"]["value"]
    return {
        "requests": requests,
        "errors": errors,
        "plots": plots,
        "svgs": svgs,
        "figures": figures,
    }


@pytest.mark.slow
def test_report_opens_offline_in_chromium(report: Path) -> None:
    seen = asyncio.run(_open_offline(report.resolve().as_uri()))
    assert seen["errors"] == []
    outside = [u for u in seen["requests"] if not u.startswith(("file:", "data:", "blob:"))]
    assert outside == [], outside
    assert seen["figures"] == 10  # nine of designs and one run, and ratification
    assert seen["plots"] == 10 and seen["svgs"] >= 10  # every figure drawn by plotly.js


def test_command_line(sweep_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path / "absent")])
    assert exit_info.value.code == 2
    assert "absent does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(sweep_dir), "--out", str(tmp_path), "--metrics", "attendance_rate_XX"])
    err = capsys.readouterr().err
    assert "attendance_rate_XX" in err and str(sweep_dir) in err
    with pytest.raises(SystemExit):
        main([str(sweep_dir), "--out", str(tmp_path), "--by", "nope"])
    assert "nope" in capsys.readouterr().err


def test_report_survives_a_run_it_cannot_repeat(
    sweep_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the run in detail (e.g. a moved scenario table) the rest still comes out."""
    import sim.report.build as report_mod
    from sim.figures import single_run

    def broken(*args, **kwargs):
        raise FileNotFoundError("delegation table /gone.csv")

    monkeypatch.setattr(single_run, "trace_run", broken)
    monkeypatch.setattr(report_mod, "_design_figures", lambda *args: [])  # not under test
    report = make_report(sweep_dir, tmp_path, formats=())
    text = report.read_text(encoding="utf-8")
    assert "The run in detail is not available" in text and "/gone.csv" in text
    assert (tmp_path / "comparison" / "compare_process.md").is_file()
    with pytest.raises(KeyError, match="--run nope"):
        make_report(sweep_dir, tmp_path, run="nope:0", formats=())
