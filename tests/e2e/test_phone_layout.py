"""Every page fits a phone: in headless Chromium at 390 × 844, signed in as the people who use
each page, no page is wider than the screen (a wide table may scroll inside its own ``.scroll``
box; the page itself may not) — with a screenshot of each kept as a test artifact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.web.lang import LANG_COOKIE
from tests.e2e.conftest import ARTIFACTS, Served
from tests.web.world import COHORT_A, MAIL, PASSWORD, World, with_benchmarking

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && Math.max(box.right, box.left + el.scrollWidth) > width + 0.5) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
        `${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''}` +
        ` right=${Math.round(box.right)}: ${(el.textContent || '').trim().slice(0, 60)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          culprits: out.slice(0, 8)};
}"""
"""The page's width, the visual viewport's, and the first elements reaching past ``width`` (outside
scrolling boxes), to name the culprit when a page overflows."""

PAGES: list[tuple[str, str, Callable[[World], str]]] = [
    ("login", "", lambda w: "/login"),
    ("home", "kA", lambda w: "/"),
    ("board", "kA", lambda w: f"/cohorts/{COHORT_A}"),
    ("escalations", "kA", lambda w: f"/cohorts/{COHORT_A}/escalations"),
    ("extensions", "kA", lambda w: f"/cohorts/{COHORT_A}/extensions"),
    ("members", "kA", lambda w: f"/cohorts/{COHORT_A}/members"),
    ("benchmarking", "kA", lambda w: f"/cohorts/{COHORT_A}/benchmarking"),
    ("seminars", "kA", lambda w: f"/cohorts/{COHORT_A}/seminars"),
    ("seminar", "kA", lambda w: f"/seminars/{w.bench['session']}"),
    ("seminar-inbox", "xA", lambda w: "/seminars"),
    ("reports", "kA", lambda w: f"/cohorts/{COHORT_A}/reports"),
    ("project-coordinator", "kA", lambda w: f"/projects/{w.projects['T']}"),
    ("project-participant", "p1", lambda w: f"/projects/{w.projects['T']}"),
    ("project-waiting", "m1", lambda w: f"/projects/{w.projects['T2']}"),
    ("content", "p1", lambda w: f"/projects/{w.projects['T']}/content"),
    ("record", "p1", lambda w: f"/projects/{w.projects['T']}/record"),
    ("inbox", "m1", lambda w: "/inbox"),
    ("account", "kA", lambda w: "/account"),
    ("home-mentor", "m1", lambda w: "/"),
    ("password", "kA", lambda w: "/account/password"),
    ("problems", "", lambda w: "/problems"),
    ("not-found", "kA", lambda w: "/tidak-ada"),
    ("benchmarking-english", "kA/en", lambda w: f"/cohorts/{COHORT_A}/benchmarking"),
    ("project-english", "p1/en", lambda w: f"/projects/{w.projects['T']}"),
    ("escalations-english", "kA/en", lambda w: f"/cohorts/{COHORT_A}/escalations"),
]
"""Each page, who opens it (``nick/en``: in English), and its address."""


@pytest.fixture(scope="module")
def phones(served: Served, chromium: Any) -> Any:
    """The world with cohort A's benchmarking and open escalations, and a phone-sized page per
    reader (a person, in Bahasa Indonesia or English), signed in through the login form."""
    world = with_benchmarking(served.world)
    world.app.sweeper.sweep(datetime(2026, 4, 20, 0, 0, tzinfo=UTC))
    pages: dict[str, Any] = {}
    for reader in sorted({nick for _, nick, _ in PAGES}):
        nick, _, lang = reader.partition("/")
        context = chromium.new_context(**PHONE)
        if lang:
            context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": served.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        if nick:
            page.goto(f"{served.url}/login")
            page.fill("input[name=login]", f"{nick}@{MAIL}")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
        pages[reader] = page
    return pages


@pytest.mark.parametrize(("name", "nick", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_a_page_is_no_wider_than_a_phone(
    served: Served, phones: dict[str, Any], name: str, nick: str, path: Callable[[World], str]
) -> None:
    page = phones[nick]
    page.goto(f"{served.url}{path(served.world)}")
    page.wait_for_load_state()
    assert "/login" not in page.url or not nick, page.url
    assert page.locator("html").get_attribute("lang") == ("en" if nick.endswith("/en") else "id")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"phone-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    width = PHONE["viewport"]["width"]
    measured = page.evaluate(OVERFLOWING, width)
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A mobile browser zooms out to show a page wider than the screen, widening innerWidth
    # with it: the page must also be no wider than the screen it was opened on.
    assert fits and measured["scroll"] <= width and measured["inner"] == width, (
        f"{name} is {measured['scroll']} px wide on a {width} px screen: {measured['culprits']}"
    )

