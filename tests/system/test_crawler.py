"""The crawler itself, against a tiny made-up site served by Playwright (no Django): it must find what is wrong."""

from __future__ import annotations

import pytest

from .crawler import Crawler, crawl, url_shape

pytestmark = pytest.mark.system

BASE = "http://crawler.test"
PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""
SITE = {
    "/": PAGE.format(
        title="Home",
        body="""<a href="/good/">Good</a> <a href="/bad/">Bad</a> <a href="/missing/">Missing</a>
        <a href="/items/1/">Item 1</a> <a href="/items/2/">Item 2</a> <a href="/items/3/">Item 3</a>
        <a href="/admin/">Admin</a> <a href="/report.csv">CSV</a> <a href="https://example.org/">Elsewhere</a>
        <a href="#top">Top</a>""",
    ),
    "/good/": PAGE.format(title="Good", body="<p>Fine.</p>"),
    "/bad/": PAGE.format(title="Bad", body='<img src="/x.png"><div style="width: 600px">Too wide</div>'),
    "/items/1/": PAGE.format(title="Item", body="<p>One.</p>"),
    "/items/2/": PAGE.format(title="Item", body="<p>Two.</p>"),
    "/items/3/": PAGE.format(title="Item", body="<p>Three.</p>"),
}


@pytest.fixture
def made_up_site(page):
    def serve(route):
        path = route.request.url.removeprefix(BASE)
        if path in SITE:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=SITE[path])
        else:
            route.fulfill(
                status=404,
                content_type="text/html; charset=utf-8",
                body=PAGE.format(title="Not found", body=""),
            )

    page.route(f"{BASE}/**", serve)
    return page


def test_the_crawler_reports_what_is_wrong_and_skips_what_it_should(made_up_site):
    # Given a site with a broken link, a page failing axe and too wide for 320px, and links not to follow
    # When it is crawled from its home page
    report = crawl(made_up_site, BASE, ["/"])

    # Then it visited the site's own pages, sampling same-shaped ones, and nothing else
    assert report.paths == ["/", "/good/", "/bad/", "/missing/", "/items/1/", "/items/2/"]
    # And the problems name the page, the rule, the offending element and the width
    problems = "\n".join(report.problems)
    assert "/missing/ (linked from /)\n  - HTTP 404" in problems
    assert "axe image-alt [critical]" in problems
    assert "on img" in problems
    assert "resource failed to load: 404 /x.png" in problems
    assert "scrolls sideways at 320px" in problems
    assert "div" in problems
    with pytest.raises(AssertionError, match=r"2 of 6 pages crawled have problems"):
        report.assert_no_problems()


def test_a_page_seen_again_keeps_its_findings_and_a_changed_page_is_checked_afresh(made_up_site, monkeypatch):
    # Given the made-up site crawled once, with the axe runs counted
    first = crawl(made_up_site, BASE, ["/"])
    runs = []
    original = Crawler._axe
    monkeypatch.setattr(Crawler, "_axe", lambda self: runs.append(self.page.url) or original(self))

    # When it is crawled again, unchanged
    again = crawl(made_up_site, BASE, ["/"])

    # Then axe did not run again, and every finding is reported as before
    assert runs == []
    assert again.problems == first.problems

    # When the too-wide page is fixed and the site crawled once more
    monkeypatch.setitem(SITE, "/bad/", PAGE.format(title="Bad", body='<img src="/x.png" alt="A cross">'))
    fixed = crawl(made_up_site, BASE, ["/"])

    # Then only that page was checked afresh, and its old findings are gone
    assert runs == [f"{BASE}/bad/"]
    problems = "\n".join(fixed.problems)
    assert "image-alt" not in problems and "scrolls sideways" not in problems
    assert "resource failed to load: 404 /x.png" in problems


def test_pages_of_one_shape_are_sampled():
    assert (
        url_shape("http://x/assessments/3f2a-11/items/1.2/history/?tab=a&b=1")
        == "/assessments/*/items/*/history/?b&tab"
    )
    assert url_shape("http://x/frameworks/") == "/frameworks/"


def test_the_crawler_reports_what_the_content_security_policy_blocks(browser):
    # Given a page whose policy allows scripts and styles from files only, but which carries inline ones
    # (a context of its own: the usual `page` fixture fails any test where the policy blocks something)
    context = browser.new_context()
    page = context.new_page()
    body = PAGE.format(
        title="Inline",
        body="""<p style="color: red">Styled inline.</p><script>document.title = 'changed';</script>
        <button onclick="alert(1)">Press</button>""",
    )
    page.route(
        f"{BASE}/**",
        lambda route: route.fulfill(
            status=200,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'",
            },
            body=body,
        ),
    )
    try:
        # When it is crawled
        report = crawl(page, BASE, ["/"], check_narrow=False)
    finally:
        context.close()

    # Then the inline script and the inline style are reported as violations, and axe still ran
    problems = "\n".join(report.problems)
    assert "Content Security Policy violation: " in problems
    assert "script-src" in problems
    assert "style-src" in problems
    assert report.pages[0].violations is not None
