"""In a real browser (headless Chromium) against a real uvicorn process: a mentor signs in on a
phone and approves from the inbox, the participant sees the next stage and submits it with a
file, and the coordinator's board changes — with screenshots kept as test artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import ARTIFACTS, Served
from tests.web.world import MAIL, PASSWORD, PDF

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}


def _shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _sign_in(browser: Any, served: Served, nick: str, device: dict[str, Any]) -> Any:
    context = browser.new_context(**device)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{served.url}/login")
    page.fill("input[name=login]", f"{nick}@{MAIL}")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _cell(page: Any, project: int, stage: str) -> Any:
    return page.locator(f'tr[data-project="{project}"] td[data-stage="{stage}"]')


def test_a_mentor_approves_on_a_phone_the_participant_sees_the_next_stage_and_the_board_changes(
    served: Served, chromium: Any, tmp_path: Path
) -> None:
    t2 = served.world.projects["T2"]
    coordinator = _sign_in(chromium, served, "kA", DESKTOP)
    coordinator.goto(f"{served.url}/cohorts/UJI-A")
    assert _cell(coordinator, t2, "diagnosis").get_attribute("data-gate") == "submitted"
    assert _cell(coordinator, t2, "taking_ownership").count() == 0
    _shot(coordinator, "1-board-before")

    mentor = _sign_in(chromium, served, "m1", PHONE)
    mentor.goto(f"{served.url}/inbox")
    card = mentor.locator(f"#pending-{t2}")
    card.wait_for()
    _shot(mentor, "2-mentor-inbox-phone")
    card.locator("textarea[name=comment]").fill("Diagnosis lengkap, lanjutkan.")
    card.locator("button[value=approve]").click()
    mentor.wait_for_load_state()
    assert mentor.locator(".flash-ok").inner_text() == "Disetujui."
    assert mentor.locator(f"#pending-{t2}").count() == 0
    _shot(mentor, "3-mentor-after-approval-phone")

    participant = _sign_in(chromium, served, "p3", PHONE)
    assert participant.url.endswith(f"/projects/{t2}")
    assert participant.locator("#current-stage").get_attribute("data-stage") == "taking_ownership"
    upload = participant.locator("input[name=file__kesepakatan_area_perubahan]")
    assert "application/pdf" in (upload.get_attribute("accept") or "")
    _shot(participant, "4-participant-next-stage-phone")
    report = tmp_path / "kesepakatan-area-perubahan.pdf"
    report.write_bytes(PDF)
    upload.set_input_files(str(report))
    participant.fill("#submit-form textarea[name=note]", "Ditandatangani bersama mentor")
    participant.click("#submit-form button[type=submit]")
    participant.wait_for_load_state()
    assert participant.locator(".flash-ok").inner_text() == "Tahap diajukan."
    assert participant.locator("#project-state").get_attribute("data-state") == "taking_ownership.submitted"
    assert participant.locator("a", has_text="kesepakatan-area-perubahan.pdf").count() == 1
    _shot(participant, "5-participant-submitted-phone")

    coordinator.reload()
    assert _cell(coordinator, t2, "diagnosis").get_attribute("data-gate") == "approved"
    assert _cell(coordinator, t2, "taking_ownership").get_attribute("data-gate") == "submitted"
    _shot(coordinator, "6-board-after")


def test_a_refusal_is_shown_in_the_pages_language_and_english_is_one_click_away(
    served: Served, chromium: Any
) -> None:
    t = served.world.projects["T"]
    kA = _sign_in(chromium, served, "kA", PHONE)
    kA.goto(f"{served.url}/projects/{t}")
    kA.click("text=Cabut proyek (koordinator)")
    kA.fill("form[action$='/withdraw'] textarea[name=reason]", " ")
    kA.click("form[action$='/withdraw'] button[type=submit]")
    kA.wait_for_load_state()
    assert kA.locator(".flash-error").inner_text() == "Alasan wajib diisi"
    kA.click("a.lang")
    kA.wait_for_load_state()
    assert kA.locator("header nav a[href='/inbox']").inner_text() == "Inbox"
    assert "What is due next" in kA.locator("#next h2").inner_text()
    _shot(kA, "7-project-english-phone")
    kA.click("a.lang")
    kA.wait_for_load_state()
    assert kA.locator("header nav a[href='/inbox']").inner_text() == "Kotak masuk"
