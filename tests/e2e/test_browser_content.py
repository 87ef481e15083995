"""In a real browser (headless Chromium on a phone-sized screen) against a real uvicorn process:
a participant records a lesson on the content page and submits lesson synthesis, the mentor
approves it from the inbox, the participant adds a milestone and an adoption decision linked to
it and submits the adoption stage that needs them, and the mentor reads the lessons, decisions
and milestones — with screenshots kept as test artifacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    FormGroup,
    RecordHost,
    RecordLesson,
    UploadGroupReport,
)
from domain.benchmarking import GroupSpec, HostSpec
from domain.commands import ApproveStage, SubmitStage
from domain.content import AdoptionKind, MilestoneTerm
from domain.model import ArtifactUpload
from tests.e2e.conftest import ARTIFACTS, Served
from tests.web.world import COHORT_A, MAIL, PASSWORD, PDF, World

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
HOST = "tng-bappeda"


def _shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _sign_in(browser: Any, served: Served, nick: str) -> Any:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{served.url}/login")
    page.fill("input[name=login]", f"{nick}@{MAIL}")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _pdf(kind: str) -> ArtifactUpload:
    return ArtifactUpload(
        kind=kind, filename=f"{kind}.pdf", media_type="application/pdf", content=PDF
    )


def _to_lesson_synthesis(w: World) -> int:
    """A host, group I (p1), and p1's project moved to lesson synthesis with one lesson;
    returns the project's id. The engine's clock is set to now, as the server's is."""
    w.clock.set(datetime.now(UTC))
    kA, p1, m1, t = w.ids["kA"], w.ids["p1"], w.ids["m1"], w.projects["T"]
    w.app.planning.record_host(
        RecordHost(
            actor_id=kA,
            cohort_code=COHORT_A,
            host=HostSpec(
                code=HOST,
                agency="Pemerintah Kota Tangerang",
                unit="Bappeda",
                city="Kota Tangerang",
                timezone="WIB",
            ),
        )
    )
    w.app.planning.form_group(
        FormGroup(
            actor_id=kA,
            cohort_code=COHORT_A,
            group=GroupSpec(code="I", theme="Perencanaan", members=(f"p1@{MAIL}",), hosts=(HOST,)),
        )
    )
    w.app.engine.submit(
        SubmitStage(actor_id=p1, project_id=t, artifacts=(_pdf("kesepakatan_area_perubahan"),))
    )
    w.app.engine.approve(ApproveStage(actor_id=m1, project_id=t, comment="Lanjut"))
    w.app.planning.upload_group_report(
        UploadGroupReport(
            actor_id=p1,
            cohort_code=COHORT_A,
            group_code="I",
            upload=_pdf("laporan_benchmarking_kelompok"),
        )
    )
    w.app.engine.submit(
        SubmitStage(actor_id=p1, project_id=t, artifacts=(_pdf("laporan_benchmarking_individu"),))
    )
    w.app.engine.approve(ApproveStage(actor_id=m1, project_id=t, comment="Lanjut"))
    w.app.content.record_lesson(
        RecordLesson(
            actor_id=p1,
            project_id=t,
            host=HOST,
            practice="Musrenbang daring",
            evidence="Rekaman musrenbang",
            success_key="Partisipasi warga",
            lesson="Usulan warga langsung masuk sistem",
        )
    )
    return t


def _submit(page: Any, kind: str, path: Path) -> None:
    """Submit the current stage on the project page with one file."""
    page.locator(f"input[name=file__{kind}]").set_input_files(str(path))
    page.click("#submit-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".flash-ok").inner_text() == "Tahap diajukan."


def test_a_participant_records_content_on_a_phone_submits_the_stages_and_the_mentor_reads_it(
    served: Served, chromium: Any, tmp_path: Path
) -> None:
    w = served.world
    t = _to_lesson_synthesis(w)
    participant = _sign_in(chromium, served, "p1")
    assert participant.url.endswith(f"/projects/{t}")
    participant.click("#content-link")
    participant.wait_for_load_state()
    assert "1 pelajaran, minimal 2" in participant.locator("#missing").inner_text()
    _shot(participant, "content-1-lesson-needed-phone")

    participant.click("#add-lesson summary")
    form = participant.locator("#lesson-form")
    form.locator("select[name=host]").select_option(HOST)
    form.locator("textarea[name=practice]").fill("e-Planning terpadu")
    form.locator("input[name=location]").fill("Bidang Perencanaan Bappeda")
    form.locator("textarea[name=evidence]").fill("RKPD 2018 disusun daring")
    form.locator("textarea[name=success_key]").fill("Satu basis data perencanaan")
    form.locator("textarea[name=lesson]").fill("Perencanaan daring memangkas waktu penyusunan")
    form.locator("button[type=submit]").click()
    participant.wait_for_load_state()
    assert participant.locator(".flash-ok").inner_text() == "Pelajaran #2 tercatat."
    assert participant.locator("#needs-complete").count() == 1
    _shot(participant, "content-2-lesson-recorded-phone")

    register = tmp_path / "register-pembelajaran.pdf"
    register.write_bytes(PDF)
    participant.click("text=Kembali ke proyek")
    participant.wait_for_load_state()
    _submit(participant, "register_pembelajaran", register)

    mentor = _sign_in(chromium, served, "m1")
    mentor.goto(f"{served.url}/inbox")
    card = mentor.locator(f"#pending-{t}")
    card.locator("button[value=approve]").click()
    mentor.wait_for_load_state()
    assert mentor.locator(".flash-ok").inner_text() == "Disetujui."

    today = datetime.now(UTC).date()
    p1 = w.ids["p1"]
    for title, term, days in (
        ("Perwali perencanaan daring", MilestoneTerm.MEDIUM, 200),
        ("Seluruh OPD merencanakan daring", MilestoneTerm.LONG, 700),
    ):
        w.app.content.add_milestone(
            AddMilestone(
                actor_id=p1,
                project_id=t,
                title=title,
                term=term,
                target_date=today + timedelta(days),
            )
        )
    first = w.app.content.of_project(t, p1).lessons[0]
    w.app.content.decide(
        DecideAdoption(
            actor_id=p1,
            lesson_id=first.id,
            kind=AdoptionKind.NOT_ADOPT,
            rationale="Musrenbang kami sudah daring",
        )
    )

    participant.goto(f"{served.url}/projects/{t}/content")
    missing = participant.locator("#missing").inner_text()
    assert "pelajaran #2 belum diputuskan" in missing and "jangka pendek" in missing
    participant.click("#add-milestone summary")
    form = participant.locator("#milestone-form")
    form.locator("input[name=title]").fill("Uji coba e-Planning di dua OPD")
    form.locator("select[name=term]").select_option("short")
    form.locator("input[name=target_date]").fill((today + timedelta(days=30)).isoformat())
    form.locator("button[type=submit]").click()
    participant.wait_for_load_state()
    assert participant.locator(".flash-ok").inner_text() == "Tonggak #3 ditambahkan."

    lesson = participant.locator('article.lesson[data-number="2"]')
    lesson.locator("summary").click()
    lesson.locator("input[name=decision][value=adopt]").check()
    lesson.locator("textarea[name=rationale]").fill("Sesuai kebutuhan Bappeda kami")
    lesson.locator("input[name=milestones][value='3']").check()
    lesson.locator("button[type=submit]").click()
    participant.wait_for_load_state()
    assert participant.locator(".flash-ok").inner_text() == "Keputusan atas pelajaran #2: adopsi."
    assert participant.locator("#needs-complete").count() == 1
    _shot(participant, "content-3-adoption-complete-phone")

    design = tmp_path / "rancangan.pdf"
    design.write_bytes(PDF)
    participant.click("text=Kembali ke proyek")
    participant.wait_for_load_state()
    _submit(participant, "rancangan_proyek_perubahan", design)
    assert participant.locator("#project-state").get_attribute("data-state") == "adoption.submitted"

    mentor.goto(f"{served.url}/projects/{t}")
    mentor.click("#content-link")
    mentor.wait_for_load_state()
    assert mentor.locator("#read-only").count() == 1
    assert mentor.locator("#content-state").get_attribute("data-state") == "adoption.submitted"
    decided = mentor.locator('article.lesson[data-number="2"] .adoption')
    assert decided.get_attribute("data-decision") == "adopt"
    assert "Sesuai kebutuhan Bappeda kami" in decided.inner_text()
    assert "Perencanaan daring memangkas waktu penyusunan" in mentor.content()
    assert mentor.locator('article.milestone[data-term="short"]').count() == 1
    assert mentor.locator("form[action*='/content/']").count() == 0
    _shot(mentor, "content-4-mentor-reads-phone")
