"""Headless Debian Chromium driven by selenium, as the browser tests and the map benchmark open maps.

One place for the command line, so that a flag needed on a new Chromium is added once."""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["CHROMIUM", "DRIVER", "available", "chrome"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--no-first-run",
          "--disable-sync", "--disable-quic", "--window-size=1400,900")
# Every request fails: a page that works like this works offline.
_OFFLINE = ("--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND")


def available() -> bool:
    return bool(CHROMIUM and DRIVER)


def chrome(profile: Path, *, offline: bool = True, console_log: bool = False):
    """A selenium Chrome driver on a fresh profile in ``profile``; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not available():
        raise RuntimeError("headless chromium + chromedriver not installed")
    opts = Options()
    opts.binary_location = CHROMIUM
    for a in (*_FLAGS, *(_OFFLINE if offline else ()), f"--user-data-dir={profile}"):
        opts.add_argument(a)
    if console_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=opts)
