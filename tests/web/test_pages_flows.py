"""The project page's own forms and clocks, and the inbox's order: the participant asks for an
extension on the project page, the coordinator reopens a stage there, the mentor's inbox puts the
most overdue decision first, and the project page shows both clocks — the participant's deadline
and the approver's decision deadline, each with the working days late."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.cli.render import local
from adapters.db.orm import ExtensionRow
from domain.commands import RequestChanges, SubmitStage
from domain.model import ArtifactUpload
from tests.web.world import PDF, World, flash_of, send_form, stage_of_t

TZ = "Asia/Jayapura"
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # the world's Monday 09:00 WIT


def _report(kind: str) -> tuple[ArtifactUpload, ...]:
    return (ArtifactUpload(kind=kind, filename=f"{kind}.pdf", media_type="application/pdf", content=PDF),)


def _extensions_of(world: World, project: int) -> list[tuple[str, str, str]]:
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        rows = conn.execute(
            select(ExtensionRow.status, ExtensionRow.reason, ExtensionRow.new_due_date)
            .where(ExtensionRow.project_id == project)
            .order_by(ExtensionRow.id)
        ).all()
    return [(status, reason, str(day)) for status, reason, day in rows]


def _section(page: str, element_id: str) -> str:
    """The text of one element of a page (by id), tags stripped and spaces folded."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found is not None, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def test_the_participant_requests_an_extension_on_the_project_page(world: World) -> None:
    p1, t = world.caller("p1"), world.projects["T"]
    page = p1.get(f"/projects/{t}").text
    assert f'action="/projects/{t}/extension"' in page
    assert f'action="/projects/{t}/extension"' not in world.caller("m1").get(f"/projects/{t}").text
    before = world.snapshot()
    not_a_date = send_form(
        p1, f"/projects/{t}/extension", {"new_due_date": "17-03-2026", "reason": "Data BPS"}
    )
    assert flash_of(p1, not_a_date).startswith("Tanggal tidak sah")
    no_reason = send_form(p1, f"/projects/{t}/extension", {"new_due_date": "2026-03-17", "reason": " "})
    assert flash_of(p1, no_reason) == "Alasan perpanjangan wajib diisi"
    assert world.snapshot() == before
    asked = send_form(
        p1, f"/projects/{t}/extension", {"new_due_date": "2026-03-17", "reason": "Menunggu data BPS triwulan"}
    )
    assert flash_of(p1, asked) == "Permohonan perpanjangan dikirim."
    assert _extensions_of(world, t) == [("pending", "Menunggu data BPS triwulan", "2026-03-17")]
    after = p1.get(f"/projects/{t}").text
    pending = _section(after, "pending-extension")
    assert "Menunggu keputusan" in pending and "17-03-2026" in pending and "Menunggu data BPS triwulan" in pending
    assert "Menunggu data BPS triwulan" in world.caller("m1").get("/inbox").text


def test_the_coordinator_reopens_a_stage_on_the_project_page_with_a_reason(world: World) -> None:
    kA, t = world.caller("kA"), world.projects["T"]
    page = kA.get(f"/projects/{t}").text
    assert f'action="/projects/{t}/reopen"' in page and '<option value="diagnosis">Diagnosis</option>' in page
    assert f'action="/projects/{t}/reopen"' not in world.caller("p1").get(f"/projects/{t}").text
    version = re.search(r'action="/projects/\d+/reopen".*?name="expected_version" value="(\d+)"', page, re.S)
    assert version is not None
    before = world.snapshot()
    no_reason = send_form(
        kA, f"/projects/{t}/reopen", {"stage": "diagnosis", "reason": "", "expected_version": version.group(1)}
    )
    assert "Alasan" in flash_of(kA, no_reason)
    assert world.snapshot() == before and stage_of_t(world) == "taking_ownership.drafting"
    reopened = send_form(
        kA,
        f"/projects/{t}/reopen",
        {"stage": "diagnosis", "reason": "Data diagnosis salah", "expected_version": version.group(1)},
    )
    assert flash_of(kA, reopened) == "Tahap dibuka kembali."
    assert stage_of_t(world) == "diagnosis.drafting"
    after = kA.get(f"/projects/{t}").text
    assert 'data-state="diagnosis.drafting"' in after
    timeline = _section(after, "timeline")
    assert timeline.startswith(f"{local(START, TZ, True)} Tahap dibuka kembali — KA Uji Patok")
    assert "alasan: Data diagnosis salah" in timeline
    stale = send_form(
        kA, f"/projects/{t}/reopen", {"stage": "diagnosis", "reason": "Lagi", "expected_version": version.group(1)}
    )
    assert "versi" in flash_of(kA, stale).lower() and stage_of_t(world) == "diagnosis.drafting"


def test_the_inbox_puts_the_most_overdue_decision_first(world: World) -> None:
    engine, ids, p = world.app.engine, world.ids, world.projects
    world.clock.set(START + timedelta(days=1))  # m1 sends p3's diagnosis back
    engine.request_changes(RequestChanges(actor_id=ids["m1"], project_id=p["T2"], comment="Lengkapi data"))
    world.clock.set(START + timedelta(days=2))  # p4 submits: decision due first
    engine.submit(SubmitStage(actor_id=ids["p4"], project_id=p["T3"], artifacts=_report("laporan_diagnosis")))
    world.clock.set(START + timedelta(days=3))  # p1 submits taking ownership
    engine.submit(
        SubmitStage(actor_id=ids["p1"], project_id=p["T"], artifacts=_report("kesepakatan_area_perubahan"))
    )
    world.clock.set(START + timedelta(days=4))  # p3 sends the revision: decision due last
    engine.submit(SubmitStage(actor_id=ids["p3"], project_id=p["T2"], artifacts=_report("laporan_diagnosis")))
    now = START + timedelta(days=14)  # Monday 16 March: every decision overdue
    world.clock.set(now)
    inbox = world.caller("m1").get("/inbox").text
    order = [int(n) for n in re.findall(r'<article class="card item[^"]*" id="pending-(\d+)"', inbox)]
    assert order == [p["T3"], p["T"], p["T2"]]  # not the projects' order (T, T2, T3)
    calendar = engine.calendar(TZ)
    late = []
    for key in ("T3", "T", "T2"):
        with engine.unit_of_work() as uow:
            due = uow.projects.stages(p[key])[-1].decision_due_at
        assert due is not None
        late.append(calendar.working_days_late(due, now))
        card = _section(inbox, f"pending-{p[key]}")
        assert f"Putuskan paling lambat {local(due, TZ, True)}" in card
        assert f"terlambat {late[-1]} hari kerja" in card
    assert late == sorted(late, reverse=True) and late[-1] >= 1 and late[0] > late[-1]
    assert f'class="card item overdue" id="pending-{p["T3"]}"' in inbox


def test_the_project_page_shows_both_clocks_with_the_working_days_late(world: World) -> None:
    engine, p = world.app.engine, world.projects
    now = START + timedelta(days=10)  # Thursday 12 March
    world.clock.set(now)
    calendar = engine.calendar(TZ)
    with engine.unit_of_work() as uow:
        waiting = uow.projects.stages(p["T2"])[-1]
        drafting = uow.projects.stages(p["p2"])[-1]
    assert waiting.decision_due_at is not None and waiting.decision_due_at < now < waiting.due_at + timedelta(days=3)

    submitted = world.caller("m1").get(f"/projects/{p['T2']}").text
    approver = _section(submitted, "due-approver")
    approver_late = calendar.working_days_late(waiting.decision_due_at, now)
    assert approver_late >= 1
    assert f"Tenggat keputusan penyetuju: {local(waiting.decision_due_at, TZ, True)}" in approver
    assert f"terlambat {approver_late} hari kerja" in approver
    participant = _section(submitted, "due-participant")
    assert f"Tenggat peserta: {local(waiting.due_at, TZ, True)}" in participant
    assert "diajukan tepat waktu" in participant  # the approver's delay is not the participant's

    late_draft = world.caller("p2").get(f"/projects/{p['p2']}").text
    participant_late = calendar.working_days_late(drafting.due_at, now)
    assert participant_late >= 1
    mine = _section(late_draft, "due-participant")
    assert f"Tenggat peserta: {local(drafting.due_at, TZ, True)}" in mine
    assert f"terlambat {participant_late} hari kerja" in mine
    assert 'id="due-approver"' not in late_draft

    world.caller("m1").client.get("/lang/en")
    english = world.caller("m1").get(f"/projects/{p['T2']}").text
    assert f"{approver_late} working days late" in _section(english, "due-approver")
    assert "submitted on time" in _section(english, "due-participant")
