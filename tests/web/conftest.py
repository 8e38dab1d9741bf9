"""A real headless Chromium for the page tests (Debian's `chromium`, driven by playwright), or
a skip that says how to get one."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no Chromium: install it (Debian/Ubuntu: apt-get install chromium) to run "
                    "the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is missing: pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh page whose console errors and uncaught exceptions are collected in
    ``page.problems``; the network is closed to everything but file: and data: URLs."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error"
            and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(("file:", "data:")) else
               (page.problems.append(f"network request: {route.request.url}"), route.abort()))
    try:
        yield page
    finally:
        context.close()
