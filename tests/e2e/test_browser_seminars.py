"""In a real browser (headless Chromium) against a real uvicorn process: an examiner signs in on a
phone, finds the participant waiting for their score, scores and grades them on the session page,
and the participant's record shows the grade — with screenshots kept as test artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.bench_commands import CreateSeminar, ScheduleSeminar, ScoreSeminar
from domain.seminars import SeminarKind
from tests.e2e.conftest import ARTIFACTS, Served
from tests.web.world import COHORT_A, MAIL, PASSWORD

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _shot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _sign_in(browser: Any, served: Served, nick: str) -> Any:
    """A phone-sized page signed in as ``nick`` through the login form."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{served.url}/login")
    page.fill("input[name=login]", f"{nick}@{MAIL}")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _design_session_with_p1_scored_by_mentor_and_coach(served: Served) -> tuple[int, int]:
    """A design session (examiner xA) with p1, whom the mentor and coach have scored already;
    the session's id and p1's entry."""
    app, ids = served.world.app, served.world.ids
    session = app.seminars.create(
        CreateSeminar(
            actor_id=ids["kA"],
            cohort_code=COHORT_A,
            kind=SeminarKind.DESIGN,
            starts_at=app.engine.clock.now(),  # begun: its panel may score
            place="Aula BPSDM",
            examiners=(f"xA@{MAIL}",),
        )
    )
    scheduled = app.seminars.schedule(
        ScheduleSeminar(actor_id=ids["kA"], session_id=session.id, participants=(f"p1@{MAIL}",))
    )
    for nick, value in (("m1", 84.0), ("c1", 90.0)):
        app.seminars.score(
            ScoreSeminar(
                actor_id=ids[nick], session_id=session.id, participant=f"p1@{MAIL}", score=value
            )
        )
    return session.id, scheduled.entries[0].id


def test_an_examiner_scores_and_grades_on_a_phone_and_the_participants_record_shows_the_grade(
    served: Served, chromium: Any
) -> None:
    session, entry = _design_session_with_p1_scored_by_mentor_and_coach(served)
    project = served.world.projects["T"]

    examiner = _sign_in(chromium, served, "xA")
    examiner.goto(f"{served.url}/seminars")
    waiting = examiner.locator(f"#waiting-{entry}")
    waiting.wait_for()
    assert waiting.get_attribute("data-what") == "score"
    _shot(examiner, "seminar-1-examiner-waiting-phone")
    waiting.locator("a.strong").click()
    examiner.wait_for_load_state()
    assert f"/seminars/{session}" in examiner.url
    card = examiner.locator(f"#entry-{entry}")
    card.locator("input[name=score]").fill("88")
    card.locator(f"#score-{entry} button[type=submit]").click()
    examiner.wait_for_load_state()
    assert examiner.locator(".flash-ok").inner_text() == "Nilai 88 tersimpan."
    grade_form = examiner.locator(f"#grade-{entry}")
    assert "memuaskan (dari rata-rata nilai 87.33)" in grade_form.inner_text()
    _shot(examiner, "seminar-2-examiner-scored-phone")
    grade_form.locator("select[name=grade]").select_option("sangat_memuaskan")
    grade_form.locator("button[type=submit]").click()
    examiner.wait_for_load_state()
    assert examiner.locator(".flash-ok").inner_text() == "Predikat sangat memuaskan tersimpan."
    assert examiner.locator(f"#entry-{entry}").get_attribute("data-grade") == "sangat_memuaskan"
    assert examiner.locator(f"#grade-{entry}").count() == 0
    _shot(examiner, "seminar-3-examiner-graded-phone")
    examiner.goto(f"{served.url}/seminars")
    assert examiner.locator(f"#waiting-{entry}").count() == 0

    participant = _sign_in(chromium, served, "p1")
    participant.goto(f"{served.url}/projects/{project}/record")
    row = participant.locator(f"#record-entry-{entry}")
    assert row.get_attribute("data-grade") == "sangat_memuaskan"
    assert row.locator("strong.grade").inner_text() == "sangat memuaskan"
    assert "Penguji 88 · Mentor 84 · Coach 90" in row.locator(".scores").inner_text()
    assert participant.locator("#certificate").get_attribute("data-certificate") == "pending"
    _shot(participant, "seminar-4-participant-record-phone")
    participant.click("a.lang")
    participant.wait_for_load_state()
    assert participant.locator(f"#record-entry-{entry} strong.grade").inner_text() == (
        "very satisfactory"
    )
    _shot(participant, "seminar-5-participant-record-english-phone")
