"""Screenshots of the pages a visitor and a CCG lead reach, at desktop and 320px widths, for a person to look over.

Skipped unless ASSURE_SCREENSHOTS names a folder: `ASSURE_SCREENSHOTS=/tmp/shots make test-system`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .crawler import crawl

pytestmark = pytest.mark.system

FOLDER = os.environ.get("ASSURE_SCREENSHOTS")
WIDTHS = (1280, 320)


def _name(path: str) -> str:
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "x", path.lower())  # public UUIDs
    return re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "home"


def _shoot_all(page, base_url: str, folder: Path, who: str, start: list[str]) -> None:
    # One page of each URL shape, found by following links as the crawl tests do.
    paths = crawl(page, base_url, start, limit=20, per_shape=1, check_narrow=False).paths
    for path in paths:
        page.goto(path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=folder / f"{who}-{_name(path)}-{width}.png", full_page=True)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


@pytest.mark.skipif(not FOLDER, reason="set ASSURE_SCREENSHOTS to a folder to take screenshots")
def test_screenshots(page, live_server, demo_site, sign_in):
    folder = Path(FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    _shoot_all(page, live_server.url, folder, "visitor", ["/", "/frameworks/"])
    sign_in(page, "ccg.lead@example.org")
    _shoot_all(page, live_server.url, folder, "ccg-lead", ["/"])
