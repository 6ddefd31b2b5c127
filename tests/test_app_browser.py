"""End to end: serve the app on localhost and drive it in headless Chromium (Playwright).

A whole negotiation is run from the page (Step, then Run to the end), then two designs
side by side, then a value the model cannot run. Every view must have drawn, the page
must log no console error and load nothing from off this machine, and a screenshot of
each state is saved in the test's temp folder (the path is printed).

Playwright (a dev dependency) drives the system Chromium (`make setup` installs Debian's);
only where no Chromium or Chrome can be found are the tests skipped, saying so.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from sim.app.readings import METRICS
from sim.app.server import AppServer
from sim.figures.export import find_chromium

pytestmark = pytest.mark.slow

CHROMIUM = find_chromium()
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # we may be root in a container
    "--disable-gpu",
    "--disable-background-networking",  # the network is closed: no update or sync calls
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWS = ("attendance", "rooms", "voice", "text", "pressure", "outcome")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def app_url():
    with AppServer() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium or Chrome on this machine (make setup installs Debian's chromium)")
    from playwright.sync_api import sync_playwright  # a dev dependency: never skipped

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with its console errors, uncaught exceptions and off-machine requests."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1500, "height": 1000})
        self.errors: list[str] = []
        self.off_machine: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.errors.append(f"uncaught: {err}"))
        self.page.on("request", self._request)
        self.page.goto(url)
        self.page.wait_for_selector(".nsim-step", timeout=60_000)
        self.page.wait_for_selector(".nsim-view-text .js-plotly-plot .main-svg", timeout=60_000)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS:
            self.off_machine.append(request.url)

    def status(self) -> str:
        return self.page.locator(".nsim-status").first.inner_text()

    def step(self, meeting: int) -> None:
        """Click Step and wait until the page shows the meeting held."""
        self.page.locator(".nsim-step").click()
        self.page.locator(".nsim-status").first.filter(has_text=f"meeting {meeting} ").wait_for()

    def run_to_the_end(self) -> None:
        self.page.locator(".nsim-play").click()
        self.page.wait_for_selector(".nsim-metrics", timeout=120_000)

    def choose(self, control: str, option: str) -> None:
        self.page.locator(control).click()
        self.page.locator(".menuable__content__active .v-list-item", has_text=option).click()

    def type_in(self, control: str, value: str) -> None:
        box = self.page.locator(f"{control} input")
        box.fill(value)
        box.press("Enter")

    def configured(self, override: str, design: str = "A") -> None:
        """Wait until the configuration the page runs shows `override`."""
        self.page.locator(f".nsim-config-{design}", has_text=override).wait_for()

    def plots_in(self, view: str) -> int:
        """Plotly figures drawn in a view (plotly.js marks a drawn one with its main SVG)."""
        return self.page.locator(f".nsim-view-{view} .js-plotly-plot:has(.main-svg)").count()

    def snapshot(self, path) -> None:
        """The whole page as a PNG: the window grown to the content, the figures redrawn.

        Solara scrolls inside its layout, so Playwright's full-page shot stops at the
        window; a window as tall as the content shows every view.
        """
        bottom = self.page.evaluate(
            "() => Math.ceil(document.querySelector('.nsim-main').getBoundingClientRect().bottom"
            " + window.scrollY)"
        )
        width = self.page.viewport_size["width"]
        self.page.set_viewport_size({"width": width, "height": max(bottom + 24, 600)})
        self.page.wait_for_timeout(800)  # plotly.js redraws on resize
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")

    def check_clean(self) -> None:
        assert self.errors == [], "\n".join(self.errors)
        assert self.off_machine == [], f"requests off this machine: {self.off_machine}"


def _drawn(watched: Watched, designs: int, heatmaps: int) -> None:
    """Every view drew what it should, for each design.

    `heatmaps`: attendance panels with something to draw (delegates in person for each
    design; closed rooms covered only for a design whose closed rooms sat).
    """
    page = watched.page
    for view in ("attendance", "rooms", "text"):
        assert watched.plots_in(view) == designs, view
    assert watched.plots_in("voice") == watched.plots_in("pressure") == 1
    assert page.locator(".nsim-view-attendance .heatmaplayer .hm").count() == heatmaps
    rooms = page.locator(".nsim-view-rooms .js-plotly-plot").first.text_content()
    assert "shut out" in rooms or "admitted" in rooms
    assert page.locator(".nsim-view-voice .barlayer .point").count() >= 4 * 2 * designs
    assert page.locator(".nsim-view-text .scatterlayer .trace").count() >= 4 * 7 * designs
    assert page.locator(".nsim-view-pressure .scatterlayer .trace").count() >= 2 * designs


def test_a_whole_negotiation_runs_in_the_browser(app_url, browser, tmp_path):
    from playwright.sync_api import expect

    watched = Watched(browser, app_url)
    page = watched.page
    assert watched.status().startswith("Zero draft: no meeting held yet")
    for view in VIEWS:
        assert page.locator(f".nsim-view-{view}").count() == 1, view

    for meeting in (1, 2, 3):
        watched.step(meeting)
    assert watched.status().startswith("After meeting 3 of 7 planned")

    watched.run_to_the_end()
    _drawn(watched, designs=1, heatmaps=2)
    outcome = page.locator(".nsim-outcome").inner_text()
    assert outcome.startswith(("Adopted by", "Not adopted"))
    assert page.locator(".nsim-metrics tbody tr").count() == len(METRICS)
    expect(page.locator(".nsim-step")).to_be_disabled()  # the run has ended
    expect(page.locator(".nsim-play")).to_be_disabled()

    shot = tmp_path / "app.png"
    watched.snapshot(shot)
    assert shot.stat().st_size > 50_000
    watched.check_clean()


def test_two_designs_side_by_side_and_a_bad_value(app_url, browser, tmp_path):
    watched = Watched(browser, app_url)
    page = watched.page
    page.locator(".nsim-compare .v-input--selection-controls__ripple").click()
    page.wait_for_selector(".nsim-design-b")
    watched.choose(".nsim-B-process", "Open plenary")
    page.locator(".nsim-status", has_text="Design B (Open plenary").wait_for()

    watched.run_to_the_end()
    _drawn(watched, designs=2, heatmaps=3)  # the open plenary had no closed room
    no_room = page.locator(".nsim-view-attendance .js-plotly-plot").nth(1).text_content()
    assert "no informal room" in no_room
    header = page.locator(".nsim-metrics thead").inner_text()
    assert "B - A" in header
    assert page.locator(".nsim-outcome").count() == 2

    box = page.locator(".nsim-A-meeting_usd input")
    box.fill("-5")
    box.press("Enter")
    error = page.locator(".nsim-error")
    error.wait_for()
    assert "Meeting cost (USD): -5.0 is not allowed" in error.inner_text()
    assert "still show the last valid design" in error.inner_text()
    assert page.locator(".nsim-metrics").count() == 1  # the last valid runs stay on screen

    box.fill("a million")
    box.press("Enter")
    page.locator(".nsim-A-meeting_usd", has_text="Value must be a number").wait_for()

    box.fill("2000000")
    box.press("Enter")
    error.wait_for(state="detached")  # a valid value clears the message and re-runs

    watched.snapshot(tmp_path / "app_side_by_side.png")
    watched.check_clean()


def test_every_control_reaches_the_model(app_url, browser, tmp_path):
    """Each control changes the configuration the page runs; Step, Reset and Run act."""
    from playwright.sync_api import expect

    watched = Watched(browser, app_url)
    page = watched.page
    watched.configured("scenario=ahc_cybercrime process=two_tier funding=none")
    watched.step(1)
    watched.choose(".nsim-scenario-select", "Small")
    watched.configured("scenario=small")
    page.locator(".nsim-status", has_text="After meeting 1 of 4 planned").wait_for()  # replayed
    watched.type_in(".nsim-seed", "3")
    watched.configured("seed=3")
    for control, option, override in (
        (".nsim-A-process", "Friends of the chair", "process=friends_of_chair"),
        (".nsim-A-funding", "Trust fund", "funding=trust_fund"),
        (".nsim-A-decision", "Two-thirds vote", "decision=two_thirds_vote"),
    ):
        watched.choose(control, option)
        watched.configured(override)
    for control, value, override in (
        (".nsim-A-meeting_usd", "500000", "cost.meeting_usd=500000"),
        (".nsim-A-delegate_day_usd", "812.5", "cost.delegate_day_usd=812.5"),
        (".nsim-A-process_budget_usd", "9000000", "cost.process_budget_usd=9000000"),
    ):
        watched.type_in(control, value)
        watched.configured(override)
    page.locator(".nsim-status", has_text="process budget left $8.50M").wait_for()  # 9M - 0.5M
    watched.configured(
        "scenario=small process=friends_of_chair funding=trust_fund decision=two_thirds_vote "
        "cost.meeting_usd=500000 cost.delegate_day_usd=812.5 cost.process_budget_usd=9000000 "
        "seed=3"
    )

    page.locator(".nsim-reset").click()
    page.locator(".nsim-status", has_text="Zero draft: no meeting held yet (4 planned)").wait_for()
    watched.configured("scenario=small process=friends_of_chair")  # Reset keeps the design
    watched.run_to_the_end()
    _drawn_once(watched)
    expect(page.locator(".nsim-play")).to_be_disabled()
    watched.snapshot(tmp_path / "app_every_control.png")
    watched.check_clean()


def _drawn_once(watched: Watched) -> None:
    for view in ("attendance", "rooms", "text", "voice", "pressure"):
        assert watched.plots_in(view) == 1, view
    assert watched.page.locator(".nsim-metrics tbody tr").count() == len(METRICS)
