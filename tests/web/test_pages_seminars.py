"""The seminar pages: a cohort's sessions with the coordinator's forms, a session where the panel
scores and the examiner grades and re-grades, what waits for each panel member, and a
participant's record — each form through the same service as the CLI, every refusal readable and
storing nothing, a wrong actor refused with 403, in Bahasa Indonesia or English."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from adapters.db.orm import (
    Base,
    RemediationRow,
    SeminarEntryRow,
    SeminarExaminerRow,
    SeminarScoreRow,
    SeminarSessionRow,
)
from adapters.programmes import builtin_programmes
from adapters.web.lang import LANG_COOKIE
from adapters.web.texts import text
from adapters.web.texts_content import TEXTS as CONTENT_TEXTS
from adapters.web.texts_seminars import TEXTS
from domain.bench_commands import CreateSeminar, GradeSeminar, ScheduleSeminar, ScoreSeminar
from domain.commands import CreateCohort, ImportRoster
from domain.roster import Roster
from domain.seminars import SeminarKind
from tests.web.world import COHORT_A, MAIL, Caller, World, _participant, _person

SEMINAR_TABLES: tuple[type[Base], ...] = (
    SeminarSessionRow,
    SeminarExaminerRow,
    SeminarEntryRow,
    SeminarScoreRow,
    RemediationRow,
)
FLASH = re.compile(r'class="flash flash-(?:ok|error)"[^>]*>([^<]+)<')


def mail(nick: str) -> str:
    """The e-mail of a person of the test world."""
    return f"{nick}@{MAIL}"


def nip(world: World, nick: str) -> str:
    """The NIP of a person of the test world."""
    with world.app.engine.unit_of_work() as uow:
        return uow.people.get(world.ids[nick]).nip


def schedule(
    world: World,
    participants: tuple[str, ...],
    kind: SeminarKind = SeminarKind.DESIGN,
    cohort: str = COHORT_A,
    coordinator: str = "kA",
    examiner: str = "xA",
) -> int:
    """A session of ``cohort`` with one examiner and these participants (through the service)."""
    session = world.app.seminars.create(
        CreateSeminar(
            actor_id=world.ids[coordinator],
            cohort_code=cohort,
            kind=kind,
            title="",
            starts_at=world.app.engine.clock.now(),  # begun: its panel may score
            place="Aula BPSDM",
            examiners=(mail(examiner),),
        )
    )
    world.app.seminars.schedule(
        ScheduleSeminar(
            actor_id=world.ids[coordinator],
            session_id=session.id,
            participants=tuple(mail(p) for p in participants),
        )
    )
    return session.id


def score(world: World, session: int, participant: str, scores: dict[str, float]) -> None:
    """Panel members score a participant (through the service)."""
    for nick, value in scores.items():
        world.app.seminars.score(
            ScoreSeminar(
                actor_id=world.ids[nick],
                session_id=session,
                participant=mail(participant),
                score=value,
            )
        )


def seminar_rows(world: World) -> tuple[Any, ...]:
    """Every row of the seminar tables, in key order."""
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        return tuple(
            tuple(conn.execute(select(row.__table__).order_by(*inspect(row).primary_key)).all())
            for row in SEMINAR_TABLES
        )


def unchanged(world: World) -> tuple[Any, ...]:
    """What a refused form must leave as it was: the world's tables and the seminar tables."""
    return world.snapshot(), seminar_rows(world)


def form(caller: Caller, path: str, data: dict[str, Any], csrf: bool = True) -> Any:
    """Send a page form (with the session's CSRF token unless told not to); no redirects."""
    payload = {"csrf_token": caller.csrf, **data} if csrf else data
    return caller.client.post(path, data=payload, follow_redirects=False)


def flash(caller: Caller, answer: Any) -> str:
    """The flash message on the page a successful form redirected to."""
    assert answer.status_code == 303, answer.text[:3000]
    page = caller.client.get(answer.headers["location"])
    found = FLASH.search(page.text)
    assert found is not None, page.text[:3000]
    return html.unescape(found.group(1))


def refusal(answer: Any, status: int) -> str:
    """The readable refusal on a page re-rendered (or the error page) with ``status``."""
    assert answer.status_code == status, answer.text[:3000]
    assert answer.headers["content-type"].startswith("text/html")
    assert "Traceback" not in answer.text
    found = FLASH.search(answer.text)
    assert found is not None, answer.text[:3000]
    return html.unescape(found.group(1))


RAW_KEY = re.compile(r">[^<]*\b(?:sem|rec|rep)\.[a-z_]+")


def english(world: World, nick: str) -> TestClient:
    """A client signed in as ``nick`` that reads the pages in English (its own cookie jar)."""
    client = TestClient(world.web, base_url="http://testserver")
    for name, value in world.caller(nick).client.cookies.items():
        client.cookies.set(name, value)
    client.cookies.set(LANG_COOKIE, "en")
    return client


def test_every_seminar_text_has_both_languages_with_the_same_placeholders() -> None:
    fields = re.compile(r"{(\w+)}")
    for key, (indonesian, english_text) in TEXTS.items():
        assert key.split(".")[0] in ("sem", "rec", "rep"), key  # never another table's key
        assert key not in CONTENT_TEXTS, key
        assert indonesian.strip() and english_text.strip(), key
        assert set(fields.findall(indonesian)) == set(fields.findall(english_text)), key
        assert (text(key, "id"), text(key, "en")) == (indonesian, english_text), key


# --- the coordinator schedules ----------------------------------------------------------------


def _small_cohort_with_a_light_load(world: World) -> str:
    """A cohort (``UJI-S``) whose programme lets an examiner grade one participant per session,
    with examiner xA, mentor m1, coach c1 and two new participants q1, q2."""
    pim3 = builtin_programmes()["PIM3"]
    light = pim3.model_copy(
        update={
            "version": "uji-beban-1",
            "grading": pim3.grading.model_copy(update={"examiner_load": 1}),
        }
    )
    world.app.cohorts.create(
        CreateCohort(
            actor_id=world.ids["kA"],
            code="UJI-S",
            name="Angkatan uji beban penguji",
            programme=light,
            organiser="BPSDM Uji",
            timezone="Asia/Jayapura",
            start_date=date(2026, 3, 2),
        )
    )
    world.app.cohorts.import_roster(
        ImportRoster(
            actor_id=world.ids["kA"],
            cohort_code="UJI-S",
            roster=Roster(
                mentors=[_person(10, "m1")],
                coaches=[_person(12, "c1")],
                examiners=[_person(14, "xA")],
                participants=[
                    _participant(30, "q1", "m1", "c1"),
                    _participant(31, "q2", "m1", "c1"),
                ],
            ),
        )
    )
    for nick in ("q1", "q2"):
        found = world.app.engine.resolve_actor(mail(nick))
        assert found.id is not None
        world.ids[nick] = found.id
    return "UJI-S"


def test_the_coordinator_schedules_a_session_and_adds_participants_warned_above_the_examiner_load(
    world: World,
) -> None:
    code = _small_cohort_with_a_light_load(world)
    kA = world.caller("kA")
    page = kA.get(f"/cohorts/{code}/seminars")
    assert page.status_code == 200 and 'id="create-form"' in page.text
    assert f'name="examiners" value="{nip(world, "xA")}"' in page.text
    assert 'value="final"' in page.text and "Mulai (WIT)" in page.text
    before = unchanged(world)
    good = {"kind": "design", "starts_at": "2026-05-04T09:00", "place": "Aula BPSDM"}
    no_examiner = form(kA, f"/cohorts/{code}/seminars", good)
    assert "minimal satu penguji" in refusal(no_examiner, 422)
    assert 'value="Aula BPSDM"' in no_examiner.text  # what was typed is shown again
    not_a_time = form(
        kA,
        f"/cohorts/{code}/seminars",
        {**good, "starts_at": "besok pagi", "examiners": nip(world, "xA")},
    )
    assert "Waktu mulai tidak sah" in refusal(not_a_time, 422)
    not_a_kind = form(
        kA, f"/cohorts/{code}/seminars", {**good, "kind": "ujian", "examiners": nip(world, "xA")}
    )
    assert "Jenis seminar harus" in refusal(not_a_kind, 422)
    assert unchanged(world) == before

    created = form(kA, f"/cohorts/{code}/seminars", {**good, "examiners": nip(world, "xA")})
    assert re.fullmatch(r"Sesi seminar #\d+ dijadwalkan\.", flash(kA, created))
    session = int(re.search(r"#session-(\d+)", created.headers["location"]).group(1))  # type: ignore[union-attr]
    listed = kA.get(f"/cohorts/{code}/seminars").text
    assert f'id="session-{session}"' in listed and "04-05-2026 09:00 WIT" in listed
    assert "XA Uji Patok: 0 peserta" in listed

    q1, q2 = nip(world, "q1"), nip(world, "q2")
    added = form(kA, f"/seminars/{session}/participants", {"participants": [q1, q2]})
    message = flash(kA, added)
    assert message.startswith(f"2 peserta ditambahkan ke sesi #{session}. Peringatan:")
    assert "menilai 2 peserta, lebih dari 1" in message
    listed = kA.get(f"/cohorts/{code}/seminars").text
    assert 'data-overloaded="1"' in listed and "beban penguji melebihi 1 peserta" in listed
    for nick in ("Q1", "Q2"):
        assert f"{nick} Uji Patok</a>" in listed
    assert "Mentor: M1 Uji Patok" in listed and "Coach: C1 Uji Patok" in listed

    before = unchanged(world)
    again = form(kA, f"/seminars/{session}/participants", {"participants": q1})
    assert "sudah terjadwal" in refusal(again, 422)
    assert unchanged(world) == before


# --- the panel scores, the examiner grades ----------------------------------------------------


def test_the_panel_scores_the_examiner_grades_and_a_failing_grade_opens_a_capped_remediation(
    world: World,
) -> None:
    _the_panel_scores_and_the_examiner_grades_from_the_mean(world)
    _a_failing_grade_opens_a_remediation_whose_regrade_is_capped(world)


def _the_panel_scores_and_the_examiner_grades_from_the_mean(world: World) -> None:
    """p1's panel scores on the session page (refusals stored nothing), the examiner grades from
    the mean, and the session, the cohort's sessions and p1's record show the grade."""
    session = schedule(world, ("p1",))
    p1 = nip(world, "p1")
    xA, m1, c1 = world.caller("xA"), world.caller("m1"), world.caller("c1")
    page = xA.get(f"/seminars/{session}")
    assert page.status_code == 200
    entry = int(re.search(r'id="score-(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    assert "Nilai Anda sebagai Penguji (0–100)" in page.text
    assert f'id="grade-{entry}"' not in page.text and 'data-waiting="3"' in page.text

    before = unchanged(world)
    too_high = form(
        xA, f"/seminars/{session}/score", {"participant": p1, "score": "101", "entry": entry}
    )
    assert refusal(too_high, 422) == "Nilai 101 di luar rentang 0–100"
    assert 'value="101"' in too_high.text
    not_a_number = form(xA, f"/seminars/{session}/score", {"participant": p1, "score": "delapan"})
    assert refusal(not_a_number, 422) == "Nilai harus berupa angka, bukan 'delapan'"
    off_panel = form(
        world.caller("m2"), f"/seminars/{session}/score", {"participant": p1, "score": "80"}
    )
    assert "tidak berwenang" in refusal(off_panel, 403)
    assert unchanged(world) == before

    for caller, value in ((xA, "85"), (m1, "82,5"), (c1, "88")):
        answer = form(
            caller,
            f"/seminars/{session}/score",
            {"participant": p1, "score": value, "entry": entry},
        )
        assert answer.headers["location"] == f"/seminars/{session}#entry-{entry}"
        assert flash(caller, answer) == f"Nilai {value.replace(',', '.')} tersimpan."
    page = xA.get(f"/seminars/{session}").text
    assert [s for s in re.findall(r'data-score="([^"]*)"', page)] == ["85", "82.5", "88"]
    assert f'id="grade-{entry}"' in page and "memuaskan (dari rata-rata nilai 85.17)" in page

    before = unchanged(world)
    off_scale = form(
        xA, f"/seminars/{session}/grade", {"participant": p1, "grade": "luar biasa", "entry": entry}
    )
    assert "Predikat 'luar biasa' tidak ada dalam skala program" in refusal(off_scale, 422)
    not_examiner = form(m1, f"/seminars/{session}/grade", {"participant": p1, "grade": "memuaskan"})
    assert "tidak berwenang" in refusal(not_examiner, 403)
    assert unchanged(world) == before

    graded = form(
        xA, f"/seminars/{session}/grade", {"participant": p1, "grade": "", "entry": entry}
    )
    assert flash(xA, graded) == "Predikat memuaskan tersimpan."
    page = xA.get(f"/seminars/{session}").text
    assert f'id="entry-{entry}" data-project="{world.projects["T"]}" data-grade="memuaskan"' in page
    assert f'id="score-{entry}"' not in page and f'id="grade-{entry}"' not in page
    cohort = world.caller("kA").get(f"/cohorts/{COHORT_A}/seminars").text
    assert (
        f'id="entry-{entry}" data-project="{world.projects["T"]}" data-grade="memuaskan"' in cohort
    )
    record = world.caller("p1").get(f"/projects/{world.projects['T']}/record").text
    assert (
        'data-grade="memuaskan"' in record and '<strong class="grade">memuaskan</strong>' in record
    )
    assert "Nilai: Penguji 85 · Mentor 82.5 · Coach 88" in record


def _a_failing_grade_opens_a_remediation_whose_regrade_is_capped(world: World) -> None:
    """p2 graded kurang memuaskan: the remediation opens and the certificate is withheld; a
    re-grade above the cap or out of range is refused; a high re-score is capped."""
    session = schedule(world, ("p2",), kind=SeminarKind.FINAL)
    score(world, session, "p2", {"xA": 55, "m2": 60, "c2": 50})
    xA, p2 = world.caller("xA"), nip(world, "p2")
    graded = form(
        xA,
        f"/seminars/{session}/grade",
        {"participant": p2, "grade": "kurang memuaskan", "remediation": "make_up"},
    )
    message = flash(xA, graded)
    assert re.fullmatch(r"Predikat kurang memuaskan tersimpan\. Remediasi #(\d+) dibuka\.", message)
    record_path = f"/projects/{world.projects['p2']}/record"
    record = world.caller("p2").get(record_path).text
    assert 'data-certificate="withheld"' in record and "ditahan sampai remediasi selesai" in record
    assert 'data-remediation-status="open"' in record and "ujian ulang" in record
    page = xA.get(f"/seminars/{session}").text
    remediation = re.search(r'name="remediation" value="(\d+)"', page)
    entry = re.search(r'id="regrade-(\d+)"', page)
    assert remediation is not None and entry is not None
    assert "Nilai ulang paling tinggi cukup memuaskan." in page
    assert '<option value="memuaskan"' not in page.split('id="regrade-')[1]  # only up to the cap

    before = unchanged(world)
    above_cap = form(
        xA,
        f"/seminars/{session}/regrade",
        {"remediation": remediation.group(1), "grade": "memuaskan"},
    )
    assert "paling tinggi 'cukup_memuaskan', bukan 'memuaskan'" in refusal(above_cap, 422)
    off_range = form(
        xA,
        f"/seminars/{session}/regrade",
        {"remediation": remediation.group(1), "score": "200", "entry": entry.group(1)},
    )
    assert refusal(off_range, 422) == "Nilai 200 di luar rentang 0–100"
    assert 'value="200"' in off_range.text
    not_examiner = form(
        world.caller("m2"),
        f"/seminars/{session}/regrade",
        {"remediation": remediation.group(1), "score": "95"},
    )
    assert "tidak berwenang" in refusal(not_examiner, 403)
    assert unchanged(world) == before

    regraded = form(
        xA,
        f"/seminars/{session}/regrade",
        {"remediation": remediation.group(1), "score": "95", "note": "Revisi rancangan diterima"},
    )
    assert flash(xA, regraded) == (
        "Nilai ulang cukup memuaskan tersimpan. Nilai ulang dibatasi oleh program."
    )
    record = world.caller("p2").get(record_path).text
    assert 'data-remediation-status="passed"' in record and "→ cukup memuaskan" in record
    assert "(dibatasi)" in record and 'data-certificate="pending"' in record
    assert "proyek perubahan belum selesai" in record  # the project itself is not completed
    assert 'id="regrade-' not in xA.get(f"/seminars/{session}").text


# --- refusals and reads on one shared world ---------------------------------------------------


@dataclass
class Seminars:
    """The shared world's seminar data: a session with p1 (not scored), p3 (scored by the whole
    panel) and p2 (graded kurang memuaskan, its remediation open)."""

    world: World
    session: int
    entries: dict[str, int]
    remediation: int


@pytest.fixture(scope="module")
def seminars(shared_world: World) -> Iterator[Seminars]:
    """The shared world with one design session (through the services)."""
    world = shared_world
    session = schedule(world, ("p1", "p2", "p3"))
    score(world, session, "p3", {"xA": 85, "m1": 85, "c1": 85})
    score(world, session, "p2", {"xA": 40, "m2": 45, "c2": 50})
    graded = world.app.seminars.grade(
        GradeSeminar(actor_id=world.ids["xA"], session_id=session, participant=mail("p2"))
    )
    assert graded.remediation_id is not None
    record = world.app.seminars.record(world.projects["p2"], world.ids["kA"])
    entries = {"p2": record.entries[0].id}
    for nick, project in (("p1", world.projects["T"]), ("p3", world.projects["T2"])):
        entries[nick] = world.app.seminars.record(project, world.ids["kA"]).entries[0].id
    yield Seminars(world, session, entries, graded.remediation_id)


def test_a_seminar_form_without_the_csrf_token_is_refused_and_stores_nothing(
    seminars: Seminars,
) -> None:
    world, session = seminars.world, seminars.session
    before = unchanged(world)
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        (
            "kA",
            f"/cohorts/{COHORT_A}/seminars",
            {"kind": "final", "starts_at": "2026-06-01T09:00", "examiners": nip(world, "xA")},
        ),
        ("kA", f"/seminars/{session}/participants", {"participants": nip(world, "p4")}),
        ("xA", f"/seminars/{session}/score", {"participant": nip(world, "p1"), "score": "80"}),
        (
            "xA",
            f"/seminars/{session}/grade",
            {"participant": nip(world, "p3"), "grade": "memuaskan"},
        ),
        (
            "xA",
            f"/seminars/{session}/regrade",
            {"remediation": seminars.remediation, "score": "80"},
        ),
    ]
    for nick, path, data in attempts:
        for token in (None, "palsu"):
            sent = dict(data) if token is None else {**data, "csrf_token": token}
            answer = form(world.caller(nick), path, sent, csrf=False)
            assert "Token formulir tidak sah" in refusal(answer, 403), path
    assert unchanged(world) == before


def test_who_may_not_act_on_a_seminar_gets_403_and_nothing_changes(seminars: Seminars) -> None:
    world, session = seminars.world, seminars.session
    p1, p3, p4 = nip(world, "p1"), nip(world, "p3"), nip(world, "p4")
    create = {"kind": "final", "starts_at": "2026-06-01T09:00", "examiners": nip(world, "xA")}
    before = unchanged(world)
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("p1", f"/cohorts/{COHORT_A}/seminars", create),  # a participant
        ("p1", f"/seminars/{session}/participants", {"participants": p4}),
        ("p1", f"/seminars/{session}/score", {"participant": p1, "score": "100"}),
        ("p3", f"/seminars/{session}/grade", {"participant": p3, "grade": "sangat memuaskan"}),
        ("kB", f"/cohorts/{COHORT_A}/seminars", create),  # another cohort's coordinator
        ("kB", f"/seminars/{session}/participants", {"participants": p4}),
        ("kB", f"/seminars/{session}/score", {"participant": p1, "score": "70"}),
        (
            "m2",
            f"/seminars/{session}/score",
            {"participant": p1, "score": "70"},
        ),  # not on p1's panel
        (
            "m1",
            f"/seminars/{session}/grade",
            {"participant": p3, "grade": "memuaskan"},
        ),  # not the examiner
        (
            "m2",
            f"/seminars/{session}/regrade",
            {"remediation": seminars.remediation, "score": "75"},
        ),
        (
            "c1",
            f"/seminars/{session}/regrade",
            {"remediation": seminars.remediation, "score": "75"},
        ),
        (
            "kA",
            f"/seminars/{session}/score",
            {"participant": p1, "score": "70"},
        ),  # not on the panel
    ]
    for nick, path, data in attempts:
        answer = form(world.caller(nick), path, data)
        assert "tidak berwenang" in refusal(answer, 403), (nick, path)
    assert unchanged(world) == before
    for path in (
        f"/seminars/{session}",
        f"/cohorts/{COHORT_A}/seminars",
        f"/projects/{world.projects['T']}/record",
    ):
        assert world.caller("kB").get(path).status_code == 403, path
    assert world.caller("p2").get(f"/projects/{world.projects['T']}/record").status_code == 403
    assert world.caller("kA").get("/seminars/999999").status_code == 404
    assert world.caller("kA").get("/seminars/bukan-angka").status_code == 422


def test_each_panel_member_finds_what_waits_for_their_score_or_grade(seminars: Seminars) -> None:
    world, session, entries = seminars.world, seminars.session, seminars.entries

    def waiting(nick: str) -> set[tuple[str, int]]:
        page = world.caller(nick).get("/seminars")
        assert page.status_code == 200
        return {
            (w, int(e)) for e, w in re.findall(r'id="waiting-(\d+)" data-what="(\w+)"', page.text)
        }

    assert waiting("xA") == {
        ("score", entries["p1"]),
        ("grade", entries["p3"]),
        ("regrade", entries["p2"]),
    }
    assert waiting("m1") == {("score", entries["p1"])}  # p3 is scored already
    assert waiting("c1") == {("score", entries["p1"])}
    assert waiting("m2") == set() and waiting("p1") == set() and waiting("kB") == set()
    page = world.caller("xA").get("/seminars").text
    assert f'href="/seminars/{session}#entry-{entries["p3"]}"' in page
    assert "menunggu predikat Anda" in page and "Rata-rata 85 → memuaskan" in page
    assert "Tidak ada seminar yang menunggu" in world.caller("p1").get("/seminars").text


def test_a_participant_reads_their_own_record_with_scores_and_the_certificate(
    seminars: Seminars,
) -> None:
    world = seminars.world
    page = world.caller("p3").get(f"/projects/{world.projects['T2']}/record")
    assert page.status_code == 200
    assert "Catatan seminar: P3 Uji Patok" in page.text and 'data-kind="design"' in page.text
    assert "Nilai: Penguji 85 · Mentor 85 · Coach 85" in page.text
    assert (
        'data-certificate="pending"' in page.text and "seminar rancangan belum dinilai" in page.text
    )
    assert f'href="/projects/{world.projects["T2"]}/record.pdf"' in page.text
    assert world.caller("m1").get(f"/projects/{world.projects['T2']}/record").status_code == 200
    assert world.caller("m2").get(f"/projects/{world.projects['T2']}/record").status_code == 403


def test_the_seminar_pages_read_in_english_after_the_switch(seminars: Seminars) -> None:
    world, session = seminars.world, seminars.session
    xA = english(world, "xA")
    page = xA.get(f"/seminars/{session}").text
    assert (
        'lang="en"' in page
        and "Design seminar" in page
        and "Your score as Examiner (0–100)" in page
    )
    assert (
        "satisfactory (from the mean score 85)" in page
        and "A re-grade is at most fairly satisfactory." in page
    )
    inbox = xA.get("/seminars").text
    assert (
        "Seminars waiting for your score or grade" in inbox and "waiting for your re-grade" in inbox
    )
    cohort = english(world, "kA").get(f"/cohorts/{COHORT_A}/seminars").text
    assert "Schedule a seminar session" in cohort and "Examiners (load at most 10)" in cohort
    assert "unsatisfactory" in cohort and "not graded yet" in cohort
    record = english(world, "p2").get(f"/projects/{world.projects['p2']}/record").text
    assert "Seminar record" in record and "withheld until the remediation is resolved" in record
    for shown in (page, inbox, cohort, record):
        assert RAW_KEY.search(shown) is None, RAW_KEY.search(shown)  # every text is translated
    refused = english(world, "xA").post(
        f"/seminars/{session}/score",
        data={
            "csrf_token": world.caller("xA").csrf,
            "participant": nip(world, "p1"),
            "score": "-5",
        },
        follow_redirects=False,
    )
    assert refusal(refused, 422) == "Score -5 is outside the range 0–100"
