"""The project content page (``/projects/{id}/content``): the participant records lessons,
adoption decisions and milestones and uploads the group's report in a browser form, sees what the
current stage still needs, and then submits the stage; mentors, coaches, examiners and the
coordinator read it; bad input is shown on the page and stores nothing; someone unrelated gets
403; slipped milestones reach the mentor's and the coordinator's pages.

The worlds are those of ``tests/web/world.py`` (on SQLite and PostgreSQL), with a host partner,
group I (p1 and p3) and projects moved forward through the services.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.db.orm import AdoptionRow, GroupReportRow, LessonRow, MilestoneRow
from adapters.web.texts import text
from adapters.web.texts_content import TEXTS
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    FormGroup,
    RecordHost,
    RecordLesson,
    ReportMilestone,
    UploadGroupReport,
)
from domain.benchmarking import Contact, GroupSpec, HostSpec
from domain.commands import ApproveStage, SubmitStage
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from domain.model import ArtifactUpload
from tests.web.world import COHORT_A, MAIL, PDF, Caller, World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HOST = "tng-bappeda"


def _form(caller: Caller, path: str, data: dict[str, Any], files: Any = None) -> Any:
    """Send a page form with the session's CSRF token (no redirect followed)."""
    return caller.client.post(
        path, data={"csrf_token": caller.csrf, **data}, files=files, follow_redirects=False
    )


def _flash(caller: Caller, answer: Any) -> str:
    """The flash message on the page a form redirected to."""
    assert answer.status_code == 303, answer.text[:3000]
    page = caller.client.get(answer.headers["location"])
    found = re.search(r'class="flash flash-(?:ok|error)"[^>]*>([^<]+)<', page.text)
    assert found is not None, page.text[:2000]
    return found.group(1)


def _refusal(answer: Any) -> list[str]:
    """The problems a re-rendered page lists in its refusal box."""
    box = re.search(r'id="refusal">(.*?)</section>', answer.text, re.S)
    assert box is not None, answer.text[:3000]
    return [
        html.unescape(re.sub(r"\s+", " ", item).strip())
        for item in re.findall(r"<li>(.*?)</li>", box.group(1), re.S)
    ]


def _counts(world: World) -> tuple[int, ...]:
    """Lessons, decisions, milestones and group reports stored."""
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (LessonRow, AdoptionRow, MilestoneRow, GroupReportRow)
        )


def _pdf(kind: str) -> ArtifactUpload:
    return ArtifactUpload(
        kind=kind, filename=f"{kind}.pdf", media_type="application/pdf", content=PDF
    )


def _plan_benchmarking(w: World) -> None:
    """A host partner, and group I (p1 and p3) studying it."""
    kA = w.ids["kA"]
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
                reasons=("Inovatif Government Award 2012",),
                contact=Contact(name="Sekretariat Bappeda"),
            ),
        )
    )
    w.app.planning.form_group(
        FormGroup(
            actor_id=kA,
            cohort_code=COHORT_A,
            group=GroupSpec(
                code="I",
                theme="Perencanaan dan keuangan menuju WTP",
                members=(f"p1@{MAIL}", f"p3@{MAIL}"),
                hosts=(HOST,),
            ),
        )
    )


def _pass(w: World, nick: str, project: int, *kinds: str) -> None:
    """Submit the current stage with one PDF per kind; the mentor approves it."""
    w.app.engine.submit(
        SubmitStage(
            actor_id=w.ids[nick], project_id=project, artifacts=tuple(_pdf(k) for k in kinds)
        )
    )
    mentor = "m1"
    w.app.engine.approve(ApproveStage(actor_id=w.ids[mentor], project_id=project, comment="Lanjut"))


def _lesson(w: World, nick: str, project: int, practice: str) -> int:
    return w.app.content.record_lesson(
        RecordLesson(
            actor_id=w.ids[nick],
            project_id=project,
            host=HOST,
            practice=practice,
            location="Bidang Perencanaan",
            evidence="Dokumen RKPD daring",
            success_key="Satu basis data perencanaan",
            lesson=f"Pelajaran dari {practice}",
        )
    ).id


@dataclass
class Ready:
    """A shared world: p1's project T drafting lesson synthesis with one lesson; p3's T2
    drafting adoption with two lessons (one decided), three milestones (one slipped)."""

    world: World
    t_lesson: int
    t2_lessons: list[int]
    t2_milestones: list[int]


@pytest.fixture(scope="module")
def ready(shared_world: World) -> Iterator[Ready]:
    """The shared world moved forward once per module and database (tests here only read or
    are refused)."""
    w = shared_world
    t, t2 = w.projects["T"], w.projects["T2"]
    _plan_benchmarking(w)
    w.app.engine.approve(ApproveStage(actor_id=w.ids["m1"], project_id=t2, comment="Baik"))
    _pass(w, "p1", t, "kesepakatan_area_perubahan")
    _pass(w, "p3", t2, "kesepakatan_area_perubahan")
    w.app.planning.upload_group_report(
        UploadGroupReport(
            actor_id=w.ids["p1"],
            cohort_code=COHORT_A,
            group_code="I",
            upload=_pdf("laporan_benchmarking_kelompok"),
        )
    )
    _pass(w, "p1", t, "laporan_benchmarking_individu")
    _pass(w, "p3", t2, "laporan_benchmarking_individu")
    t_lesson = _lesson(w, "p1", t, "e-Planning terpadu")
    t2_lessons = [_lesson(w, "p3", t2, "Pajak daring"), _lesson(w, "p3", t2, "Layanan satu pintu")]
    _pass(w, "p3", t2, "register_pembelajaran")
    milestones = [
        w.app.content.add_milestone(
            AddMilestone(
                actor_id=w.ids["p3"], project_id=t2, title=title, term=term, target_date=day
            )
        ).id
        for title, term, day in (
            ("Uji coba pajak daring", MilestoneTerm.SHORT, date(2026, 4, 15)),
            ("Perda pajak daerah", MilestoneTerm.MEDIUM, date(2026, 10, 1)),
            ("Seluruh wajib pajak daring", MilestoneTerm.LONG, date(2027, 12, 1)),
        )
    ]
    w.app.content.decide(
        DecideAdoption(
            actor_id=w.ids["p3"],
            lesson_id=t2_lessons[0],
            kind=AdoptionKind.ADOPT,
            rationale="Sesuai kebutuhan PAD kami",
            milestones=(1,),
        )
    )
    w.app.content.report_milestone(
        ReportMilestone(
            actor_id=w.ids["p3"],
            milestone_id=milestones[1],
            status=MilestoneStatus.SLIPPED,
            note="Anggaran perubahan belum disahkan",
        )
    )
    yield Ready(w, t_lesson, t2_lessons, milestones)


def test_every_content_text_has_both_languages_and_the_same_placeholders() -> None:
    for key, (indonesian, english) in TEXTS.items():
        assert indonesian.strip() and english.strip(), key
        assert set(re.findall(r"{(\w+)}", indonesian)) == set(re.findall(r"{(\w+)}", english)), key
        assert text(key, "id") == indonesian and text(key, "en") == english


def test_the_participant_sees_what_the_stage_still_needs_and_only_the_forms_of_this_stage(
    ready: Ready,
) -> None:
    w = ready.world
    t = w.projects["T"]
    project = w.caller("p1").get(f"/projects/{t}").text
    assert f'href="/projects/{t}/content"' in project and f'href="/projects/{t}/record"' in project
    page = w.caller("p1").get(f"/projects/{t}/content")
    assert page.status_code == 200
    assert 'data-state="lesson_synthesis.drafting"' in page.text
    missing = re.search(r'id="missing">(.*?)</ul>', page.text, re.S)
    assert missing is not None and "1 pelajaran, minimal 2" in missing.group(1)
    assert "patok lesson add" not in page.text  # the command-line hint is not shown on a page
    assert 'id="lesson-form"' in page.text and "Pemerintah Kota Tangerang" in page.text
    assert f'action="/projects/{t}/content/lessons/{ready.t_lesson}/decision"' in page.text
    assert 'id="milestone-form"' not in page.text and 'id="milestones-when"' in page.text
    assert 'id="group-reports"' in page.text and "laporan_benchmarking_kelompok.pdf" in page.text

    t2 = w.projects["T2"]
    adoption = w.caller("p3").get(f"/projects/{t2}/content").text
    missing = re.search(r'id="missing">(.*?)</ul>', adoption, re.S)
    assert missing is not None and "pelajaran #2 belum diputuskan" in missing.group(1)
    assert 'id="milestone-form"' in adoption and 'id="lesson-form"' not in adoption
    slipped = re.search(
        rf'id="milestone-{ready.t2_milestones[1]}"[^>]*data-status="(\w+)"', adoption
    )
    assert slipped is not None and slipped.group(1) == "slipped"
    assert "Anggaran perubahan belum disahkan" in adoption
    assert 'data-decision="adopt"' in adoption and "Sesuai kebutuhan PAD kami" in adoption


def test_the_board_marks_each_participant_whose_stage_still_lacks_content(ready: Ready) -> None:
    w = ready.world
    board = w.caller("kA").get(f"/cohorts/{COHORT_A}").text
    for nick, project in (("p1", w.projects["T"]), ("p3", w.projects["T2"])):
        badge = re.search(
            rf'<a href="/projects/{project}/content" class="badge at_risk needs" '
            r'title="([^"]*)">kurang (\d+)</a>',
            board,
        )
        assert badge is not None, nick
        assert int(badge.group(2)) == len(html.unescape(badge.group(1)).split("; "))
    assert "pelajaran, minimal 2" in html.unescape(board)
    kA = w.caller("kA")
    kA.get("/lang/en")
    try:
        english = html.unescape(kA.get(f"/cohorts/{COHORT_A}").text)
    finally:
        kA.get("/lang/id")
    assert "missing</a>" in english and "at least 2 are needed" in english


def test_mentors_coaches_examiners_and_the_coordinator_read_the_content_without_forms(
    ready: Ready,
) -> None:
    w = ready.world
    t2 = w.projects["T2"]
    for nick in ("m1", "c1", "kA", "xA"):
        page = w.caller(nick).get(f"/projects/{t2}/content")
        assert page.status_code == 200, nick
        assert "Pajak daring" in page.text and "Uji coba pajak daring" in page.text
        assert 'id="read-only"' in page.text
        assert not re.search(rf'<form[^>]+action="/projects/{t2}/content', page.text), nick


def test_someone_who_may_not_write_gets_403_and_nothing_changes(ready: Ready) -> None:
    w = ready.world
    t = w.projects["T"]
    before, counts = w.snapshot(), _counts(w)
    assert w.caller("p2").get(f"/projects/{t}/content").status_code == 403
    assert w.caller("kB").get(f"/projects/{t}/content").status_code == 403
    lesson = {"host": HOST, "practice": "x", "evidence": "x", "success_key": "x", "lesson": "x"}
    writes: list[tuple[str, dict[str, Any]]] = [
        (f"/projects/{t}/content/lessons", lesson),
        (
            f"/projects/{t}/content/lessons/{ready.t_lesson}/decision",
            {"decision": "adopt", "rationale": "x"},
        ),
        (f"/projects/{t}/content/lessons/{ready.t_lesson}/remove", {}),
        (
            f"/projects/{t}/content/milestones",
            {"title": "x", "term": "short", "target_date": "2026-05-01"},
        ),
        (
            f"/projects/{w.projects['T2']}/content/milestones/{ready.t2_milestones[0]}/report",
            {"status": "done", "evidence": "x"},
        ),
    ]
    for nick in ("p2", "kB", "m1", "kA"):
        for path, data in writes:
            answer = _form(w.caller(nick), path, data)
            assert answer.status_code == 403, (nick, path, answer.text[:500])
            assert "tidak berwenang" in answer.text
    report = _form(
        w.caller("m1"),
        f"/projects/{t}/content/group-report",
        {"kind": "laporan_benchmarking_kelompok"},
        files={"report": ("laporan.pdf", PDF, "application/pdf")},
    )
    assert report.status_code == 403
    p1 = w.caller("p1")
    no_token = p1.client.post(f"/projects/{t}/content/lessons", data=lesson, follow_redirects=False)
    assert no_token.status_code == 403 and "Token formulir" in no_token.text
    assert w.snapshot() == before and _counts(w) == counts


def test_bad_content_input_is_shown_on_the_page_with_the_form_as_filled_and_stores_nothing(
    ready: Ready,
) -> None:
    w = ready.world
    t = w.projects["T"]
    p1 = w.caller("p1")
    before, counts = w.snapshot(), _counts(w)

    no_practice = _form(
        p1,
        f"/projects/{t}/content/lessons",
        {
            "host": "",
            "practice": " ",
            "evidence": "Data PAD",
            "success_key": "Satu data",
            "lesson": "Satu data wajib pajak",
        },
    )
    assert no_practice.status_code == 422
    problems = _refusal(no_practice)
    assert (
        "Lokus (mitra tempat praktik diamati): wajib diisi: mitra benchmarking (lokus) tempat praktik diamati"
        in problems
    )
    assert (
        "Praktik terbaik yang diamati (apa): wajib diisi: praktik terbaik yang diamati (apa)"
        in problems
    )
    assert "Satu data wajib pajak" in no_practice.text  # the form keeps what was typed

    unknown_host = _form(
        p1,
        f"/projects/{t}/content/lessons",
        {
            "host": "bgr-bapenda",
            "practice": "Pajak daring",
            "evidence": "x",
            "success_key": "x",
            "lesson": "x",
        },
    )
    assert unknown_host.status_code == 422
    assert any("'bgr-bapenda' tidak dikenal" in p for p in _refusal(unknown_host))

    no_rationale = _form(
        p1,
        f"/projects/{t}/content/lessons/{ready.t_lesson}/decision",
        {"decision": "adopt", "rationale": ""},
    )
    assert no_rationale.status_code == 422
    assert "Alasan (mengapa): wajib diisi: mengapa diadopsi" in _refusal(no_rationale)

    adapt_unchanged = _form(
        p1,
        f"/projects/{t}/content/lessons/{ready.t_lesson}/decision",
        {"decision": "adapt", "rationale": "Cocok sebagian"},
    )
    assert adapt_unchanged.status_code == 422
    assert any("wajib diisi untuk adaptasi" in p for p in _refusal(adapt_unchanged))
    assert "Cocok sebagian" in adapt_unchanged.text

    unknown_lesson = _form(
        p1,
        f"/projects/{t}/content/lessons/999999/decision",
        {"decision": "adopt", "rationale": "x"},
    )
    assert unknown_lesson.status_code == 404
    assert any("Pelajaran 999999 tidak ada" in p for p in _refusal(unknown_lesson))
    foreign_lesson = _form(
        p1,
        f"/projects/{t}/content/lessons/{ready.t2_lessons[1]}/decision",
        {"decision": "adopt", "rationale": "x"},
    )
    assert foreign_lesson.status_code == 404  # p3's lesson is not in p1's register
    assert any("tidak ada di register proyek ini" in p for p in _refusal(foreign_lesson))

    too_early = _form(
        p1,
        f"/projects/{t}/content/milestones",
        {"title": "Uji coba", "term": "short", "target_date": "2026-05-01"},
    )
    assert too_early.status_code == 422
    assert any(
        "hanya dapat diubah saat tahap adoption, implementation" in p for p in _refusal(too_early)
    )

    t2 = w.projects["T2"]
    p3 = w.caller("p3")
    past = _form(
        p3,
        f"/projects/{t2}/content/milestones",
        {"title": "Terlambat", "term": "short", "target_date": "2026-01-05"},
    )
    assert past.status_code == 422 and any("sudah lewat" in p for p in _refusal(past))
    no_evidence = _form(
        p3,
        f"/projects/{t2}/content/milestones/{ready.t2_milestones[0]}/report",
        {"status": "done", "evidence": ""},
    )
    assert no_evidence.status_code == 422
    assert "Bukti: tonggak selesai wajib disertai bukti" in _refusal(no_evidence)

    for name, content, declared in (
        ("laporan.png", PNG, "image/png"),
        ("laporan.pdf", PNG, "application/pdf"),
    ):
        wrong_type = _form(
            p1,
            f"/projects/{t}/content/group-report",
            {"kind": "laporan_benchmarking_kelompok"},
            files={"report": (name, content, declared)},
        )
        assert wrong_type.status_code == 422, wrong_type.text[:500]
        assert _refusal(wrong_type)
    assert w.snapshot() == before and _counts(w) == counts


def test_the_content_page_switches_to_english(ready: Ready) -> None:
    w = ready.world
    p3 = w.caller("p3")
    p3.client.get("/lang/en")
    try:
        page = p3.get(f"/projects/{w.projects['T2']}/content").text
    finally:
        p3.client.get("/lang/id")
    assert 'lang="en"' in page
    for words in (
        "Lesson register",
        "Still needed before submitting",
        "Change-plan milestones",
        "Add a milestone",
    ):
        assert words in page
    assert "lesson(s) #2 have no adoption decision yet" in page
    assert "Register pembelajaran" not in page


def test_slipped_milestones_reach_the_mentors_and_the_coordinators_pages(ready: Ready) -> None:
    w = ready.world
    t2 = w.projects["T2"]
    slipped = ready.t2_milestones[1]
    for nick in ("m1", "kA"):
        home = w.caller(nick).get("/").text
        assert 'id="slipped"' in home and f'data-milestone="{slipped}"' in home, nick
        assert "Anggaran perubahan belum disahkan" in home
        assert f'href="/projects/{t2}/content#milestone-{slipped}"' in home
    cohort_page = w.caller("kA").get(f"/cohorts/{COHORT_A}/benchmarking").text
    assert f'data-milestone="{slipped}"' in cohort_page
    for nick in ("m2", "c1"):
        assert f'data-milestone="{slipped}"' not in w.caller(nick).get("/").text
    assert 'id="slipped"' not in w.caller("xA").get(f"/cohorts/{COHORT_A}/benchmarking").text


def test_the_participant_does_the_content_of_three_stages_in_forms_and_submits_each(
    world: World,
) -> None:
    w = world
    t = w.projects["T"]
    p1 = w.caller("p1")
    _plan_benchmarking(w)
    _pass(w, "p1", t, "kesepakatan_area_perubahan")
    page = p1.get(f"/projects/{t}/content").text
    assert 'id="needs-group-report"' in page and 'id="group-report-form"' in page

    uploaded = _form(
        p1,
        f"/projects/{t}/content/group-report",
        {"kind": "laporan_benchmarking_kelompok"},
        files={"report": ("Laporan kelompok I.pdf", PDF, "application/pdf")},
    )
    assert _flash(p1, uploaded) == "Laporan kelompok I diunggah (versi 1)."
    page = p1.get(f"/projects/{t}/content").text
    assert "Laporan kelompok I.pdf" in page and 'id="needs-group-report"' not in page

    first = _form(
        p1,
        f"/projects/{t}/content/lessons",
        {
            "host": HOST,
            "practice": "e-Planning terpadu",
            "location": "Bidang Perencanaan",
            "evidence": "RKPD disusun daring",
            "success_key": "Komitmen wali kota",
            "lesson": "Perencanaan daring memangkas waktu",
        },
    )
    assert _flash(p1, first) == "Pelajaran #1 tercatat."
    project_page = p1.get(f"/projects/{t}").text
    assert 'name="file__laporan_benchmarking_kelompok"' in project_page
    sent = _form(
        p1,
        f"/projects/{t}/submit",
        {"kinds": ["laporan_benchmarking_individu", "laporan_benchmarking_kelompok"]},
        files={"file__laporan_benchmarking_individu": ("individu.pdf", PDF, "application/pdf")},
    )
    assert _flash(p1, sent) == "Tahap diajukan."  # the group's report on file stands in
    w.app.engine.approve(ApproveStage(actor_id=w.ids["m1"], project_id=t, comment="Lanjut"))

    page = p1.get(f"/projects/{t}/content").text
    assert "1 pelajaran, minimal 2" in page
    version = re.search(r'id="lesson-form".*?name="expected_version" value="(\d+)"', page, re.S)
    assert version is not None
    second = _form(
        p1,
        f"/projects/{t}/content/lessons",
        {
            "host": HOST,
            "practice": "Musrenbang daring",
            "evidence": "Rekaman musrenbang",
            "success_key": "Partisipasi warga",
            "lesson": "Usulan warga masuk sistem",
            "expected_version": version.group(1),
        },
    )
    assert _flash(p1, second) == "Pelajaran #2 tercatat."
    stale = _form(
        p1,
        f"/projects/{t}/content/lessons",
        {
            "host": HOST,
            "practice": "Dobel",
            "evidence": "x",
            "success_key": "x",
            "lesson": "x",
            "expected_version": version.group(1),
        },
    )
    assert stale.status_code == 409 and "sudah berubah" in " ".join(_refusal(stale))
    third = _form(
        p1,
        f"/projects/{t}/content/lessons",
        {
            "host": HOST,
            "practice": "Salah catat",
            "evidence": "x",
            "success_key": "x",
            "lesson": "x",
        },
    )
    assert _flash(p1, third) == "Pelajaran #3 tercatat."
    page = p1.get(f"/projects/{t}/content").text
    lesson_ids = [int(i) for i in re.findall(r'<article class="lesson" id="lesson-(\d+)"', page)]
    removed = _form(p1, f"/projects/{t}/content/lessons/{lesson_ids[2]}/remove", {})
    assert _flash(p1, removed) == "Pelajaran #3 dihapus."
    page = p1.get(f"/projects/{t}/content").text
    assert 'id="needs-complete"' in page and "Salah catat" not in page
    assert "Perencanaan daring memangkas waktu" in page

    decided = _form(
        p1,
        f"/projects/{t}/content/lessons/{lesson_ids[0]}/decision",
        {
            "decision": "adapt",
            "rationale": "Cocok untuk Bappeda kami",
            "changes": "Tanpa modul e-budgeting",
        },
    )
    assert _flash(p1, decided) == "Keputusan atas pelajaran #1: adaptasi."
    w.app.engine.submit(
        SubmitStage(actor_id=w.ids["p1"], project_id=t, artifacts=(_pdf("register_pembelajaran"),))
    )
    w.app.engine.approve(ApproveStage(actor_id=w.ids["m1"], project_id=t, comment="Lanjut"))

    page = p1.get(f"/projects/{t}/content").text
    assert 'data-state="adoption.drafting"' in page and "pelajaran #2 belum diputuskan" in page
    for number, (title, term, day) in enumerate(
        (
            ("Uji coba e-Planning", "short", "2026-04-15"),
            ("Perwali perencanaan daring", "medium", "2026-10-01"),
            ("Seluruh OPD daring", "long", "2027-12-01"),
        ),
        start=1,
    ):
        added = _form(
            p1,
            f"/projects/{t}/content/milestones",
            {"title": title, "term": term, "target_date": day},
        )
        assert _flash(p1, added) == f"Tonggak #{number} ditambahkan."
    linked = _form(
        p1,
        f"/projects/{t}/content/lessons/{lesson_ids[0]}/decision",
        {
            "decision": "adapt",
            "rationale": "Cocok untuk Bappeda kami",
            "changes": "Tanpa modul e-budgeting",
            "milestones": ["1", "2"],
        },
    )
    assert _flash(p1, linked) == "Keputusan atas pelajaran #1: adaptasi."
    refused = _form(
        p1,
        f"/projects/{t}/content/lessons/{lesson_ids[1]}/decision",
        {"decision": "not_adopt", "rationale": "Musrenbang kami sudah daring"},
    )
    assert _flash(p1, refused) == "Keputusan atas pelajaran #2: tidak diadopsi."
    page = p1.get(f"/projects/{t}/content").text
    assert 'id="needs-complete"' in page
    milestone_ids = [
        int(i) for i in re.findall(r'<article class="milestone[^"]*" id="milestone-(\d+)"', page)
    ]
    done = _form(
        p1,
        f"/projects/{t}/content/milestones/{milestone_ids[0]}/report",
        {"status": "done", "evidence": "Berita acara uji coba"},
    )
    assert _flash(p1, done) == "Tonggak #1: selesai."
    slipped = _form(
        p1,
        f"/projects/{t}/content/milestones/{milestone_ids[2]}/report",
        {"status": "slipped", "note": "Menunggu RPJMD baru", "new_target": "2028-03-01"},
    )
    assert _flash(p1, slipped) == "Tonggak #3: meleset."
    replanned = _form(
        p1,
        f"/projects/{t}/content/milestones/{milestone_ids[2]}/report",
        {"status": "planned", "new_target": "2028-06-01", "note": "Jadwal RPJMD pasti"},
    )
    assert _flash(p1, replanned) == "Tonggak #3: direncanakan."
    page = p1.get(f"/projects/{t}/content").text
    assert re.search(rf'id="milestone-{milestone_ids[0]}"[^>]*data-status="done"', page)
    assert re.search(rf'id="milestone-{milestone_ids[2]}"[^>]*data-status="planned"', page)
    assert "Berita acara uji coba" in page and "01-06-2028" in page
    assert _counts(w) == (2, 2, 3, 1)

    submitted = _form(
        p1,
        f"/projects/{t}/submit",
        {"kinds": "rancangan_proyek_perubahan"},
        files={"file__rancangan_proyek_perubahan": ("rancangan.pdf", PDF, "application/pdf")},
    )
    assert _flash(p1, submitted) == "Tahap diajukan."
    mentor = w.caller("m1").get(f"/projects/{t}/content").text
    assert 'data-state="adoption.submitted"' in mentor
    assert 'data-decision="adapt"' in mentor and "Tanpa modul e-budgeting" in mentor
    assert "Perwali perencanaan daring" in mentor and 'id="read-only"' in mentor
    board = w.caller("kA").get(f"/cohorts/{COHORT_A}").text
    assert re.search(
        rf'<tr data-project="{t}".*?data-group="I".*?data-content="2/2\(1\)/3"', board, re.S
    )
