"""The README's app walkthrough and its picture say what the model does today.

Issue 22: the paragraph and docs/figures/app.png described another model. Both are made
by scripts/app_screenshot.py from one run; these tests regenerate the paragraph's
numbers from the model and check the picture was taken with the same paragraph.
"""

from __future__ import annotations

import importlib.util

from PIL import Image

from tests.shared import ROOT


def _script():
    path = ROOT / "scripts" / "app_screenshot.py"
    spec = importlib.util.spec_from_file_location("app_screenshot", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_walkthrough_is_the_models_today():
    script = _script()
    expected = script.walkthrough()
    assert script.readme_block() == expected, (
        "README's app walkthrough drifted from the model: run python scripts/app_screenshot.py"
    )
    for number in ("%", "meeting"):
        assert number in expected  # it quotes numbers, not only words


def test_the_picture_was_taken_with_the_paragraph_the_readme_shows():
    script = _script()
    with Image.open(ROOT / "docs" / "figures" / "app.png") as image:
        stamped = image.text.get(script.DIGEST_KEY)
        width = image.size[0]
    assert stamped == script.digest(script.readme_block()), (
        "docs/figures/app.png was taken with another walkthrough: run "
        "python scripts/app_screenshot.py"
    )
    assert width == script.WIDTH
