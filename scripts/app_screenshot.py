"""The README's picture of the app: two designs side by side, run to the end.

    python scripts/app_screenshot.py [docs/figures/app.png]

Serves the app on a free local port, opens it in headless Chromium (Playwright with the
system browser), switches on design B as an open plenary (design A is the default
two-tier process), runs both negotiations to the end and saves the whole page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from sim.app.server import AppServer
from sim.figures.export import find_chromium

WIDTH = 1500
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/figures/app.png")
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium or Chrome found (make setup installs Debian's)", file=sys.stderr)
        return 1
    with AppServer() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
        page.goto(url)
        page.wait_for_selector(".nsim-view-text .js-plotly-plot .main-svg", timeout=60_000)
        page.locator(".nsim-compare .v-input--selection-controls__ripple").click()
        page.wait_for_selector(".nsim-design-b")
        page.locator(".nsim-B-process").click()
        page.locator(".menuable__content__active .v-list-item", has_text="Open plenary").click()
        page.locator(".nsim-status", has_text="Design B (Open plenary").wait_for()
        page.locator(".nsim-play").click()
        page.wait_for_selector(".nsim-metrics", timeout=120_000)
        bottom = page.evaluate(
            "() => Math.ceil(document.querySelector('.nsim-main').getBoundingClientRect().bottom)"
        )
        page.set_viewport_size({"width": WIDTH, "height": bottom + 24})
        page.wait_for_timeout(1000)  # plotly.js redraws on resize
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
