"""Fixtures for the browser tests: a live server with the demo region, Debian's Chromium and signing in.

Run with `make test-system`. Playwright drives /usr/bin/chromium, never a downloaded browser.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .crawler import is_csp_violation

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make around it (seeding,
# flushing the database) are still synchronous, so Django's async-safety check would refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
BUILT_CSS = Path(__file__).resolve().parents[2] / "build" / "static" / "assure.css"


def pytest_itemcollected(item: pytest.Item) -> None:
    # WhiteNoise warns that STATIC_ROOT (filled by collectstatic in production) is missing; the live server serves
    # the built assets through the staticfiles finders instead.
    item.add_marker(pytest.mark.filterwarnings("ignore:No directory at:UserWarning"))


@pytest.fixture
def record_crawl(request) -> Callable[..., None]:
    """Note a crawl's size for the summary at the end of the run: `record_crawl(report)`. The note travels with
    the test's report (its user properties), so it reaches the summary from every xdist worker."""

    def record(report) -> None:
        line = f"{request.node.name}: {len(report.pages)} pages"
        if report.not_visited:
            line += f" (page limit reached; {report.not_visited} linked pages not visited)"
        request.node.user_properties.append(("crawl", line))

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    lines = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        if getattr(report, "when", None) == "call"
        for key, value in getattr(report, "user_properties", ())
        if key == "crawl"
    ]
    if lines:
        terminalreporter.section("pages crawled")
        for line in sorted(lines):
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser(live_server) -> Iterator[Browser]:
    """Headless Chromium. It asks for the live server so that the server starts first and stops last, after the
    browser has dropped its connections."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium`, or set CHROMIUM_PATH to it."
        )
    if not BUILT_CSS.exists():
        pytest.fail("The front-end assets are not built: run `make assets` first.")
    from django.db import connections

    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # While Playwright's sync API runs, Django's `connections` (context-local) hand the test code new
        # connection objects. They reach the same shared in-memory test database, but lack the snapshot Django
        # keeps on the connection for serialized rollback, so carry it over.
        for alias, connection in before.items():
            if hasattr(connection, "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = connection._test_serialized_contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the demo region once, and make it part of what serialized rollback restores before each test.

    The live server answers from another thread, so these tests run in `transactional_db`, which empties the
    database after each test; serialized rollback then reloads the snapshot Django took when it built the test
    database (organisation types, the built-in framework). Re-taking that snapshot after seeding makes each test
    start from the demo region in a fraction of the time seeding takes.
    """
    from django.db import connections

    from assure.core.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo()  # idempotent: the root conftest may have seeded already
        for connection in connections.all():
            if hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _restore_database_between_tests(django_db_serialized_rollback) -> None:
    """Every test here restores the snapshot rather than relying on a flush alone. A live-server test without
    serialized rollback is flushed afterwards and refilled by post_migrate (content types, the framework), and the
    next test's restore then collides with those rows (UNIQUE constraint failed: django_content_type...)."""


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback) -> list:
    """The demo region, its seven logins and the open cycle, in the database the live server reads."""
    from assure.accounts.models import User
    from assure.core.demo import LOGINS, seed_demo

    if not User.objects.filter(email=LOGINS[0].email).exists():
        return seed_demo()  # the snapshot did not include the demo (see django_db_setup)
    return LOGINS


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context (a fresh set of cookies) on the live server; closed after the test.

    Whatever the Content Security Policy blocks on any page of any context fails the test: pages carry no
    inline script, style or event handler, and load nothing from other sites."""
    contexts: list[BrowserContext] = []
    violations: list[str] = []

    def make(**options) -> BrowserContext:
        options = {"base_url": live_server.url, "viewport": DESKTOP, "locale": "en-GB", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
                if is_csp_violation(message)
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not violations, "The Content Security Policy blocked something:\n" + "\n".join(violations)


@pytest.fixture
def page(new_context) -> Page:
    """A page at desktop width, signed out, with JavaScript on."""
    return new_context().new_page()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign in through the real form: `sign_in(page, "ccg.lead@example.org")`."""
    from assure.core.demo import DEMO_PASSWORD

    def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()

    return sign_in
