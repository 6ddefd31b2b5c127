"""The README's app walkthrough and its picture, made together from one run.

    python scripts/app_screenshot.py [docs/figures/app.png]   # the paragraph and the picture
    python scripts/app_screenshot.py --text-only               # the paragraph only

Runs the scenario the README describes (the default scenario, seed 0, design A the
default two-tier process, design B an open plenary, both to the end) with the app's own
`Session`, writes the walkthrough paragraph into README.md between its markers, then
serves the app on a free local port, opens it in headless Chromium at 1440 px (Playwright
with the system browser), sets up the same two designs, runs them to the end and saves
the whole page. The PNG records the digest of the paragraph it was taken with
(`walkthrough-sha256`), so `tests/test_readme_app.py` fails when the model's numbers,
the paragraph or the picture drift apart.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTH = 1440  # a common laptop window, side by side
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
README = ROOT / "README.md"
BEGIN = "<!-- app-walkthrough: begin (python scripts/app_screenshot.py) -->"
END = "<!-- app-walkthrough: end -->"
DIGEST_KEY = "walkthrough-sha256"
DESIGN_B = "open_plenary"


def _sessions():
    from sim.app.designs import default_setup, with_design
    from sim.app.state import Session

    session = Session(with_design(default_setup(), "B", process=DESIGN_B))
    session.run()
    return session.views()


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _adoption(row: dict, records) -> str:
    how, meeting = row.get("adopted_by"), row.get("adoption_meeting")
    if how not in ("consensus", "vote"):
        return f"no text is adopted in {row['meetings_held']} meetings"
    kind = next((r.kind for r in records if r.number == meeting), "planned")
    where = f"at meeting {meeting}" + (" (an extension)" if kind == "extension" else "")
    if how == "vote":
        objectors = row["objectors_at_decision"]
        return f"the text is adopted by a vote {where} over {objectors} objectors"
    absent = int(row["absent_at_decision"])
    who = "with every delegation present" if absent == 0 else f"with {absent} delegations absent"
    return f"the text is adopted by consensus {where}, {who}"


def _compared(a: dict, b: dict) -> str:
    how = b.get("adopted_by")
    if how not in ("consensus", "vote"):
        return "adopts no text"
    gap = int(a["adoption_meeting"] or 0) - int(b["adoption_meeting"])
    when = (
        "at the same meeting"
        if gap == 0 or a.get("adopted_by") not in ("consensus", "vote")
        else f"{abs(gap)} meeting{'s' if abs(gap) > 1 else ''} {'earlier' if gap > 0 else 'later'}"
    )
    return f"adopts by {'consensus' if how == 'consensus' else 'a vote'} {when}"


def walkthrough() -> str:
    """The README's paragraph on what the app shows, every number read from the run."""
    a, b = _sessions()
    row_a, row_b = a.row, b.row
    issues = len(a.people.issues)
    closed = [r.number for r in a.records if len(r.rooms.informal) + len(r.rooms.friends) == issues]
    rooms = (
        f"the chair sends all {issues} issues into informal rooms from meeting {closed[0]}"
        if closed
        else "the chair never sends every issue into informal rooms"
    )
    return (
        f"What a minute shows (seed 0): in the two-tier process {rooms}; low-income "
        "delegations, at the bottom of the heatmap, had someone in "
        f"{_pct(row_a['informal_coverage_LIC'])} of those room-days (high-income ones in "
        f"{_pct(row_a['informal_coverage_HIC'])}), {_pct(row_a['closed_door_share'])} of the "
        f"text's movement is made there, and {_adoption(row_a, a.records)}. On the same seed "
        f"the open plenary {_compared(row_a, row_b)}, and low-income states' own voice is "
        f"{row_b['representation_LIC']:.2f} of their share of the delegations instead of "
        f"{row_a['representation_LIC']:.2f}."
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def readme_block(text: str | None = None) -> str:
    """The paragraph as it stands between the README's markers (or `text`'s)."""
    source = README.read_text(encoding="utf-8") if text is None else text
    found = re.search(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), source, re.S)
    if found is None:
        raise ValueError(f"README.md has no {BEGIN} ... {END} block")
    return " ".join(found.group(1).split())


def write_readme(paragraph: str) -> None:
    import textwrap

    source = README.read_text(encoding="utf-8")
    readme_block(source)  # the markers are there
    wrapped = textwrap.fill(paragraph, width=88)
    pattern = re.escape(BEGIN) + r"\n.*?\n" + re.escape(END)
    updated = re.sub(pattern, lambda _: f"{BEGIN}\n{wrapped}\n{END}", source, flags=re.S)
    README.write_text(updated, encoding="utf-8")


def screenshot(out: Path, paragraph: str) -> None:
    """The page with both designs run to the end, its PNG stamped with the paragraph."""
    from PIL import Image, PngImagePlugin
    from playwright.sync_api import sync_playwright

    from sim.app.server import AppServer
    from sim.figures.export import find_chromium

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium or Chrome found (make setup installs Debian's)")
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
        png = page.screenshot(full_page=True)
        browser.close()
    info = PngImagePlugin.PngInfo()
    info.add_text(DIGEST_KEY, digest(paragraph))
    out.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(io.BytesIO(png)) as image:
        image.save(out, format="PNG", pnginfo=info)


def main(argv: list[str]) -> int:
    text_only = "--text-only" in argv
    paths = [a for a in argv if not a.startswith("--")]
    out = Path(paths[0]) if paths else ROOT / "docs" / "figures" / "app.png"
    paragraph = walkthrough()
    write_readme(paragraph)
    print(f"wrote the walkthrough into {README.name}")
    if not text_only:
        screenshot(out, paragraph)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
