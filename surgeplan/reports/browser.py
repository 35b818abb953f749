"""report.html in a real headless browser: the operating system's Chromium, driven by
Playwright (the ``dev`` extra), for the report's tests and for screenshots.

Playwright's own browser download is not used: the browser is the OS package (Debian's
``chromium``), found on PATH or named by ``SURGEPLAN_CHROMIUM``.

``python -m surgeplan.reports.browser out/report.html report.png`` saves a full-page
screenshot.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["BrowserMissing", "chromium_executable", "headless_chromium", "screenshot"]

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Root in a container needs --no-sandbox; the rest keeps Chromium from calling home (a closed
# network refuses those calls, and a test must see only the page's own requests).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BrowserMissing(RuntimeError):
    """No Chromium, or no Playwright, to open a report with."""


def chromium_executable() -> str | None:
    """``SURGEPLAN_CHROMIUM``, else the first Chromium or Chrome on PATH; ``None`` if none."""
    named = os.environ.get("SURGEPLAN_CHROMIUM")
    for candidate in (named, *NAMES) if named else NAMES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@contextmanager
def headless_chromium() -> Iterator[object]:
    """A launched Playwright ``Browser`` on the OS's Chromium, closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserMissing(
            "Playwright is not installed (python -m pip install -e '.[dev]')"
        ) from None
    executable = chromium_executable()
    if executable is None:
        raise BrowserMissing(
            "no Chromium found: apt-get install chromium, or set SURGEPLAN_CHROMIUM"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(report: str | Path, png: str | Path, width: int = 1280) -> Path:
    """Save a full-page screenshot of ``report`` (an HTML file) as ``png``."""
    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(Path(report).resolve().as_uri(), wait_until="load")
        page.screenshot(path=str(png), full_page=True)
    return Path(png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m surgeplan.reports.browser REPORT.html SCREENSHOT.png")
    try:
        print(f"wrote {screenshot(sys.argv[1], sys.argv[2])}")
    except BrowserMissing as exc:
        sys.exit(f"error: {exc}")
