"""A small breadth-first crawler that checks every page a person can reach by following links.

    report = crawl(page, live_server.url, ["/"], limit=80)
    report.assert_no_problems()

On each page it records:

- the HTTP status: 400 or more is a problem. Every page visited is a start path or came from a link we
  rendered, so besides server errors (500 and up) a 404, 403 or 405 means we showed someone a broken link;
- same-origin resources (stylesheets, scripts, images) that fail to load, and uncaught JavaScript errors;
- anything the Content Security Policy blocked (an inline script, style or handler, a resource from elsewhere);
- axe-core violations for the WCAG 2.0, 2.1 and 2.2 A and AA rules (`WCAG_TAGS`);
- whether the page scrolls sideways when the viewport is 320 CSS pixels wide (WCAG 1.4.10 Reflow).

A page whose address and markup (all but its CSRF tokens) are exactly those of a page already checked in this
test run, at the same viewport and with the same rules, is given that check's findings instead of being checked
again: the same person reaches the same pages in several tests, and the axe run is most of a page's cost.

New pages are found from `a[href]` links, so a feature's pages are checked as soon as something links to them.
Links to the admin, the API, signing out, static or media files, other sites and anything matching a pattern in
`skip` are not followed. Pages built from one template for many objects (`/assessments/<id>/items/1.1/history/`,
`.../1.2/history/`, ...) are sampled: at most `per_shape` pages are visited for each URL shape (the path with
every segment that holds a digit replaced by `*`, plus the names of the query parameters).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from playwright.sync_api import ConsoleMessage, Page, Response
from playwright.sync_api import Error as PlaywrightError

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
NARROW_WIDTH = 320

# Findings of the axe and 320px checks by page (its address, markup, viewport and rules): see `Crawler._checks`.
_CHECKED: dict[str, tuple[list[Violation], int | None, list[str]]] = {}
# Django's masked CSRF tokens, which differ on every page load.
_CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")

# Paths never followed, whoever is crawling. Callers add their own with `skip=`.
DEFAULT_SKIP = (
    r"^/admin/",
    r"^/api/",
    r"^/static/",
    r"^/media/",
    r"logout",
    r"\.(css|js|json|csv|xlsx?|pdf|zip|png|jpe?g|gif|svg|ico|txt|xml)$",
)

_AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
    summary: (v.nodes[0] && v.nodes[0].failureSummary) || '',
  })))"""

# Returns the page's full width, and when it is wider than the viewport the widest elements sticking out.
_OVERFLOW = """width => {
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width + 1) return {scrollWidth, culprits: []};
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + Array.from(el.classList).map(c => '.' + c).join('');
  const culprits = Array.from(document.body.querySelectorAll('*'))
    .map(el => ({el, right: Math.round(el.getBoundingClientRect().right)}))
    .filter(({right}) => right > width + 1)
    // keep the innermost offenders: drop an element when one of its children also sticks out
    .filter(({el}) => !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1))
    .sort((a, b) => b.right - a.right)
    .slice(0, 5)
    .map(({el, right}) => describe(el) + ' (right edge ' + right + 'px)');
  return {scrollWidth, culprits};
}"""


@dataclass(frozen=True)
class Violation:
    """One axe-core rule broken on a page."""

    rule: str
    impact: str | None
    help: str
    help_url: str
    targets: tuple[str, ...]
    summary: str = ""  # axe's explanation for the first offending node

    def describe(self, max_targets: int = 3) -> str:
        shown = ", ".join(self.targets[:max_targets])
        more = f" and {len(self.targets) - max_targets} more" if len(self.targets) > max_targets else ""
        why = " ".join(self.summary.split())
        why = why if len(why) <= 300 else why[:299] + "…"
        lines = [
            f"axe {self.rule} [{self.impact}]: {self.help} ({self.help_url.split('?')[0]})",
            f"on {shown}{more}",
        ]
        if why:
            lines.append(why)
        return "\n      ".join(lines)


@dataclass
class PageResult:
    """What the crawler saw on one page."""

    url: str
    found_on: str | None
    status: int | None = None
    final_url: str | None = None  # where redirects ended
    error: str | None = None  # the browser could not load or check the page
    violations: list[Violation] = field(default_factory=list)
    narrow_width: int | None = None
    overflowing: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        found: list[str] = []
        if self.error:
            found.append(f"could not be checked: {self.error}")
        elif self.status is None:
            found.append("no response")
        elif self.status >= 400:
            found.append(f"HTTP {self.status}")
        found.extend(v.describe() for v in self.violations)
        if self.narrow_width is not None and self.narrow_width > NARROW_WIDTH + 1:
            where = "; ".join(self.overflowing) or "no single element found"
            found.append(
                f"scrolls sideways at {NARROW_WIDTH}px: page is {self.narrow_width}px wide ({where})"
            )
        found.extend(f"resource failed to load: {r}" for r in self.failed_resources)
        found.extend(f"JavaScript error: {e}" for e in self.script_errors)
        found.extend(f"Content Security Policy violation: {v}" for v in self.csp_violations)
        return found


@dataclass
class CrawlReport:
    """Every page visited, in the order visited."""

    base_url: str
    pages: list[PageResult]
    not_visited: int = 0  # links still queued when the page limit was reached

    @property
    def paths(self) -> list[str]:
        return [_path(p.url, self.base_url) for p in self.pages]

    @property
    def problems(self) -> list[str]:
        lines: list[str] = []
        for result in self.pages:
            if result.problems:
                found_on = (
                    f" (linked from {_path(result.found_on, self.base_url)})" if result.found_on else ""
                )
                lines.append(f"{_path(result.url, self.base_url)}{found_on}")
                lines.extend(f"  - {problem}" for problem in result.problems)
        return lines

    def assert_no_problems(self) -> None:
        problems = self.problems
        if problems:
            bad = sum(1 for p in self.pages if p.problems)
            header = f"{bad} of {len(self.pages)} pages crawled have problems:"
            raise AssertionError("\n".join([header, *problems]))


def crawl(
    page: Page,
    base_url: str,
    start_paths: Iterable[str] = ("/",),
    *,
    limit: int = 80,
    per_shape: int = 2,
    skip: Sequence[str] = (),
    tags: Sequence[str] = WCAG_TAGS,
    check_narrow: bool = True,
) -> CrawlReport:
    """Visit `start_paths` and every same-origin page linked from them, breadth first, up to `limit` pages.

    The page keeps its cookies, so sign in first to crawl as a role. Its viewport is restored after each
    320px check, so it should start at the desktop width the tests use.
    """
    crawler = Crawler(
        page, base_url, limit=limit, per_shape=per_shape, skip=skip, tags=tags, check_narrow=check_narrow
    )
    return crawler.run(start_paths)


class Crawler:
    def __init__(
        self,
        page: Page,
        base_url: str,
        *,
        limit: int = 80,
        per_shape: int = 2,
        skip: Sequence[str] = (),
        tags: Sequence[str] = WCAG_TAGS,
        check_narrow: bool = True,
    ) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/") + "/"
        self.origin = urlsplit(self.base_url)[:2]
        self.limit = limit
        self.per_shape = per_shape
        self.skip = [re.compile(p) for p in (*DEFAULT_SKIP, *skip)]
        self.tags = list(tags)
        self.check_narrow = check_narrow

    def run(self, start_paths: Iterable[str]) -> CrawlReport:
        queue: deque[tuple[str, str | None]] = deque((urljoin(self.base_url, p), None) for p in start_paths)
        seen = {url for url, _ in queue}
        shapes: Counter[str] = Counter(url_shape(url) for url, _ in queue)
        results: list[PageResult] = []
        while queue and len(results) < self.limit:
            url, found_on = queue.popleft()
            result = self.visit(url, found_on, checked={r.final_url for r in results})
            results.append(result)
            if result.final_url:
                seen.add(result.final_url)
            for link in result.links:
                shape = url_shape(link)
                if link not in seen and shapes[shape] < self.per_shape:
                    seen.add(link)
                    shapes[shape] += 1
                    queue.append((link, url))
        return CrawlReport(self.base_url, results, not_visited=len(queue))

    def follows(self, url: str) -> bool:
        """Whether a link (absolute, as the browser resolved it) is one the crawler should visit."""
        parts = urlsplit(url)
        if parts[:2] != self.origin:
            return False
        return not any(pattern.search(parts.path) for pattern in self.skip)

    def visit(
        self, url: str, found_on: str | None, checked: Container[str | None] = frozenset()
    ) -> PageResult:
        """Load one page and check it; a page reached by a redirect to one already in `checked` is not re-checked."""
        page = self.page
        result = PageResult(url=url, found_on=found_on)

        def on_response(response: Response) -> None:
            request = response.request
            if (
                response.status >= 400
                and request.resource_type != "document"
                and self._same_origin(response.url)
            ):
                result.failed_resources.append(f"{response.status} {_path(response.url, self.base_url)}")

        def on_page_error(error: Exception) -> None:
            result.script_errors.append(str(error).splitlines()[0])

        def on_console(message: ConsoleMessage) -> None:
            if is_csp_violation(message):
                result.csp_violations.append(message.text.splitlines()[0])

        page.on("response", on_response)
        page.on("pageerror", on_page_error)
        page.on("console", on_console)
        try:
            response = page.goto(url, wait_until="load")
            result.status = response.status if response else None
            result.final_url = urldefrag(page.url)[0]
            if response is None or "html" not in (response.header_value("content-type") or ""):
                return result
            if result.final_url != url and result.final_url in checked:
                return result
            result.violations, result.narrow_width, result.overflowing = self._checks(result.final_url)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            links = (urldefrag(h)[0] for h in hrefs)
            result.links = list(dict.fromkeys(link for link in links if self.follows(link)))
        except PlaywrightError as exc:
            result.error = str(exc).splitlines()[0]
        finally:
            page.remove_listener("response", on_response)
            page.remove_listener("pageerror", on_page_error)
            page.remove_listener("console", on_console)
        return result

    def _checks(self, url: str) -> tuple[list[Violation], int | None, list[str]]:
        """axe's violations and the width at 320px (with what sticks out), or those found for the same page."""
        markup = _CSRF_TOKEN.sub("", self.page.content())
        key = hashlib.sha256(
            "\0".join(
                [url, str(self.page.viewport_size), ",".join(self.tags), str(self.check_narrow), markup]
            ).encode()
        ).hexdigest()
        if key not in _CHECKED:
            violations = self._axe()
            width, overflowing = self._narrow_width() if self.check_narrow else (None, [])
            _CHECKED[key] = (violations, width, overflowing)
        violations, width, overflowing = _CHECKED[key]
        return list(violations), width, list(overflowing)

    def _axe(self) -> list[Violation]:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol rather than added as a <script> element, which the page's
            # Content Security Policy (rightly) refuses.
            self.page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
        raw = self.page.evaluate(_AXE_RUN, self.tags)
        return [
            Violation(v["id"], v["impact"], v["help"], v["helpUrl"], tuple(v["targets"]), v["summary"])
            for v in raw
        ]

    def _narrow_width(self) -> tuple[int, list[str]]:
        page = self.page
        wide = page.viewport_size or {"width": 1280, "height": 800}
        page.set_viewport_size({"width": NARROW_WIDTH, "height": wide["height"]})
        try:
            # Let layout and the header's resize handler settle before measuring.
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            measured = page.evaluate(_OVERFLOW, NARROW_WIDTH)
        finally:
            page.set_viewport_size(wide)
        return measured["scrollWidth"], measured["culprits"]

    def _same_origin(self, url: str) -> bool:
        return urlsplit(url)[:2] == self.origin


def is_csp_violation(message: ConsoleMessage) -> bool:
    """Chromium reports what the Content Security Policy blocked as a console error naming the policy."""
    return message.type == "error" and "Content Security Policy" in message.text


def url_shape(url: str) -> str:
    """`/assessments/3f2a…/items/1.2/history/?tab=x` -> `/assessments/*/items/*/history/?tab`."""
    parts = urlsplit(url)
    path = "/".join(
        "*" if any(c.isdigit() for c in segment) else segment for segment in parts.path.split("/")
    )
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + (f"?{'&'.join(keys)}" if keys else "")


def _path(url: str | None, base_url: str) -> str:
    if url is None:
        return ""
    parts = urlsplit(url)
    if urlsplit(base_url)[:2] != parts[:2]:
        return url
    return parts.path + (f"?{parts.query}" if parts.query else "")
