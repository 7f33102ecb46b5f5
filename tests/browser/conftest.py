"""Real headless Chromium (Debian's, driven by Playwright) against the dashboard and the emulator.

The dashboard runs in pytest-django's live server; it talks to a private emulator copy over HTTP.
If Chromium or Playwright is missing these tests fail: CI installs both (.ci/run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import DEMO_PASSWORD, SUPERVISOR, Emulator, running_copy

# Playwright's sync API runs an event loop in the test thread; Django then refuses database access
# from test code there, which is safe here (the tests are synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser_emulator(emulator_template, tmp_path_factory, emulator_profile) -> Iterator[Emulator]:
    """A private copy per module and profile (tests/conftest.py parametrizes ``emulator_profile``)."""
    with running_copy(
        emulator_template, tmp_path_factory.mktemp("browser-emulator"), emulator_profile
    ) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, browser_emulator, tmp_path, transactional_db) -> str:
    settings.VOIPSTUDIO_BASE_URL = browser_emulator.api_url
    settings.AUDIO_CACHE_DIR = tmp_path / "audio-cache"
    return live_server.url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A page signed in as the supervisor through the real sign-in form."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=site)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/sign-in/?next=/calls/")  # the tests start on Calls; a plain sign-in lands on the overview
    page.fill("input[name=email]", SUPERVISOR)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/calls/")
    yield page
    context.close()
