"""The JSON API for benchmarking, a project's content and the reports, through the same services
as the CLI, on SQLite and PostgreSQL: each operation's stored effect read back through the API,
refusals as problem documents that store nothing, ``Idempotency-Key`` and pagination on the new
operations, and the report downloads (CSV, XLSX that openpyxl opens, HTML, PDF).

One world with cohort A's benchmarking (``tests/web/world.py``, :func:`with_benchmarking`) per
database serves the module; each test uses codes of its own and brings ``T`` to the stage it
needs, so the tests do not depend on one another's order.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook

from tests.web.conftest import module_database
from tests.web.world import (
    COHORT_A,
    COHORT_B,
    MAIL,
    PDF,
    World,
    build_world,
    ensure_stage,
    with_benchmarking,
)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bench(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Cohort A with its benchmarking, once per database."""
    with module_database(request.param, tmp_path_factory) as url:
        built = with_benchmarking(build_world(url, tmp_path_factory.mktemp("data")))
        try:
            yield built
        finally:
            built.app.close()


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["code"] == code and body["status"] == status
    assert "Traceback" not in response.text
    return body


def _refused(response: httpx.Response, status: int, code: str) -> str:
    """The English message of a problem with this status and code."""
    messages = _problem(response, status, code)["messages"]
    assert isinstance(messages, dict)
    return str(messages["en"])


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


# -- planning -------------------------------------------------------------------------------------


def test_a_coordinator_records_a_host_partner_and_reads_it_back(bench: World) -> None:
    k = bench.caller("kA")
    made = k.post(
        f"/api/v1/cohorts/{COHORT_A}/hosts",
        {
            "code": "hA-bapenda",
            "agency": "Pemerintah Kota Uji",
            "unit": "Bapenda",
            "city": "Kota Uji",
            "timezone": "WITA",
            "focus": "Pajak daring",
            "reasons": ["Penghargaan PAD"],
            "contact": {"name": "Ibu Rina", "phone": "0812 3456 7890"},
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["event"] == "host.recorded" and made.json()["hosts"] == ["hA-bapenda"]
    listed = bench.caller("p2").get(f"/api/v1/cohorts/{COHORT_A}/hosts?limit=500").json()["items"]
    host = next(h for h in listed if h["code"] == "hA-bapenda")
    assert host["timezone"] == "Asia/Makassar" and host["contact"]["name"] == "Ibu Rina"
    again = k.post(
        f"/api/v1/cohorts/{COHORT_A}/hosts",
        {"code": "hA-bapenda", "agency": "X", "unit": "Y", "city": "Z"},
    )
    assert "already recorded" in _refused(again, 422, "invalid_input")


def test_a_group_is_formed_changed_and_given_its_report(bench: World) -> None:
    k = bench.caller("kA")
    formed = k.post(
        f"/api/v1/cohorts/{COHORT_A}/groups",
        {
            "code": "II",
            "theme": "Layanan kesehatan",
            "members": [f"p4@{MAIL}"],
            "hosts": ["hA-bkpsdm"],
        },
    )
    assert formed.status_code == 201, formed.text
    changed = k.post(
        f"/api/v1/cohorts/{COHORT_A}/groups/II",
        {
            "theme": "Layanan kesehatan dasar",
            "add_members": [f"p2@{MAIL}"],
            "add_hosts": ["hA-bappeda"],
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["theme"] == "Layanan kesehatan dasar"
    report = bench.caller("p4").post(
        f"/api/v1/cohorts/{COHORT_A}/groups/II/report",
        {"filename": "laporan kelompok II.pdf", "content_base64": _b64(PDF)},
    )
    assert report.status_code == 201, report.text
    assert report.json()["kind"] == "laporan_benchmarking_kelompok"
    assert report.json()["media_type"] == "application/pdf" and report.json()["number"] == 1
    groups = bench.caller("p4").get(f"/api/v1/cohorts/{COHORT_A}/groups").json()["items"]
    group = next(g for g in groups if g["code"] == "II")
    assert {m["participant"]["email"] for m in group["members"]} == {f"p4@{MAIL}", f"p2@{MAIL}"}
    assert sorted(group["hosts"]) == ["hA-bappeda", "hA-bkpsdm"]
    assert [r["filename"] for r in group["reports"]] == ["laporan kelompok II.pdf"]
    board = k.get(f"/api/v1/cohorts/{COHORT_A}/board?group=II").json()["items"]
    assert {r["project_id"] for r in board} == {bench.projects["T3"], bench.projects["p2"]}


def test_a_visit_is_planned_with_its_agenda_and_warns_of_a_weekend(bench: World) -> None:
    k = bench.caller("kA")
    planned = k.post(
        f"/api/v1/cohorts/{COHORT_A}/visits",
        {
            "code": "V-weekend",
            "start_date": "2026-06-05",
            "end_date": "2026-06-06",
            "participants": [f"p2@{MAIL}"],
            "companions": [f"m2@{MAIL}"],
            "agenda": [{"date": "2026-06-05", "host": "hA-bkpsdm", "topic": "Peta jabatan"}],
        },
        headers={"Accept-Language": "en"},
    )
    assert planned.status_code == 201, planned.text
    assert planned.json()["warnings"] == ["visit V-weekend: 06-06-2026 is a Saturday (weekend)"]
    agenda = k.post(
        f"/api/v1/cohorts/{COHORT_A}/visits/V-weekend/agenda",
        {
            "date": "2026-06-06",
            "start": "09:00",
            "end": "11:00",
            "host": "hA-bappeda",
            "topic": "Diskusi",
        },
    )
    assert agenda.status_code == 201, agenda.text
    visits = bench.caller("p2").get(f"/api/v1/cohorts/{COHORT_A}/visits").json()["items"]
    visit = next(v for v in visits if v["code"] == "V-weekend")
    assert visit["host_agency"] == "Pemerintah Kota Uji" and visit["status"] == "planned"
    assert [(a["date"], a["host"], a["start"]) for a in visit["agenda"]] == [
        ("2026-06-05", "hA-bkpsdm", None),
        ("2026-06-06", "hA-bappeda", "09:00:00"),
    ]
    assert [c["role"] for c in visit["companions"]] == ["mentor"]
    assert [p["participant"]["email"] for p in visit["participants"]] == [f"p2@{MAIL}"]


def test_a_plan_is_imported_from_yaml_or_csv_and_read_back(bench: World) -> None:
    k = bench.caller("kA")
    yaml_plan = (
        "hosts:\n"
        "- {code: hA-dinsos, agency: Pemerintah Kota Uji, unit: Dinas Sosial, city: Kota Uji, timezone: WIB}\n"
        "visits:\n"
        "- code: V-yaml\n"
        "  participants: [p2@bpsdm.uji.go.id]\n"
        "  agenda:\n"
        "  - {date: 2026-07-06, host: hA-dinsos, topic: UMKM}\n"
    )
    imported = k.post(f"/api/v1/cohorts/{COHORT_A}/plan", {"format": "yaml", "content": yaml_plan})
    assert imported.status_code == 201, imported.text
    assert imported.json()["hosts"] == ["hA-dinsos"] and imported.json()["visits"] == ["V-yaml"]
    csv_plan = (
        "visit,date,start,end,host,group,topic,participants\n"
        "V-csv,2026-07-13,09:00,12:00,hA-bappeda,I,e-Planning,\n"
        "V-csv,2026-07-14,09:00,12:00,hA-dinsos,,Sosial,p2@bpsdm.uji.go.id\n"
    )
    from_csv = k.post(f"/api/v1/cohorts/{COHORT_A}/plan", {"format": "csv", "content": csv_plan})
    assert from_csv.status_code == 201, from_csv.text
    visits = k.get(f"/api/v1/cohorts/{COHORT_A}/visits").json()["items"]
    visit = next(v for v in visits if v["code"] == "V-csv")
    assert (visit["start_date"], visit["end_date"]) == ("2026-07-13", "2026-07-14")
    assert {p["participant"]["email"] for p in visit["participants"]} == {
        f"p1@{MAIL}",
        f"p3@{MAIL}",
        f"p2@{MAIL}",
    }


def test_a_visit_is_changed_with_the_groups_it_books_and_then_cancelled_with_a_reason(
    bench: World,
) -> None:
    k = bench.caller("kA")
    visits = f"/api/v1/cohorts/{COHORT_A}/visits"
    planned = k.post(
        visits,
        {
            "code": "V-ubah",
            "start_date": "2026-06-22",
            "end_date": "2026-06-23",
            "host_agency": "Pemerintah Kota Uji",
            "city": "Kota Uji",
            "participants": [f"p2@{MAIL}"],
        },
    )
    assert planned.status_code == 201, planned.text
    changed = k.post(
        f"{visits}/V-ubah",
        {
            "end": "2026-06-27",
            "note": "Diperpanjang",
            "add_groups": ["I"],
            "add_companions": [f"c1@{MAIL}"],
        },
        headers={"Accept-Language": "en"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["event"] == "visit.changed" and body["cohort"] == COHORT_A
    assert body["warnings"] == ["visit V-ubah: 27-06-2026 is a Saturday (weekend)"]
    assert body["warnings_id"] == ["kunjungan V-ubah: 27-06-2026 adalah hari Sabtu (akhir pekan)"]
    visit = body["visit"]
    assert (visit["end_date"], visit["note"], visit["groups"]) == ("2026-06-27", "Diperpanjang", ["I"])
    assert {p["participant"]["email"] for p in visit["participants"]} == {
        f"p1@{MAIL}",
        f"p2@{MAIL}",
        f"p3@{MAIL}",
    }
    listed = {v["code"]: v for v in bench.caller("p2").get(f"{visits}?limit=500").json()["items"]}
    assert listed["V-ubah"]["groups"] == ["I"] and listed["V1"]["groups"] == ["I"]
    assert [c["person"]["email"] for c in listed["V-ubah"]["companions"]] == [f"c1@{MAIL}"]
    released = k.post(f"{visits}/V-ubah", {"remove_groups": ["I"]})
    assert released.status_code == 200, released.text
    assert released.json()["visit"]["groups"] == [] and released.json()["warnings"] == []
    assert [p["participant"]["email"] for p in released.json()["visit"]["participants"]] == [
        f"p2@{MAIL}"
    ]
    before = bench.snapshot()
    no_reason = k.post(f"{visits}/V-ubah/cancel", {"reason": " "})
    assert _refused(no_reason, 422, "invalid_input") == (
        "Refused, nothing was stored: reason: required: why the visit is cancelled"
    )
    assert bench.snapshot() == before
    cancelled = k.post(f"{visits}/V-ubah/cancel", {"reason": "Anggaran dialihkan"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["event"] == "visit.cancelled"
    assert cancelled.json()["visit"]["code"] == "V-ubah"
    assert "V-ubah" not in {v["code"] for v in k.get(f"{visits}?limit=500").json()["items"]}
    _problem(k.post(f"{visits}/V-ubah/cancel", {"reason": "lagi"}), 404, "not_found")


def test_a_refused_visit_change_names_the_field_and_stores_nothing(bench: World) -> None:
    k = bench.caller("kA")
    path = f"/api/v1/cohorts/{COHORT_A}/visits/V1"
    before = bench.snapshot()
    nothing = k.post(path, {})
    assert "Nothing to change on visit V1" in _refused(nothing, 422, "invalid_input")
    backwards = k.post(path, {"end": "2026-04-10"})
    assert "end: the last day 10-04-2026 is before the first day 13-04-2026" in _refused(
        backwards, 422, "invalid_input"
    )
    emptied = k.post(path, {"remove_groups": ["I"]})
    assert "participants: visit V1 may not be left with no participants" in _refused(
        emptied, 422, "invalid_input"
    )
    unknown_group = k.post(path, {"add_groups": ["ZZ"], "timezone": "CET"})
    problems = _refused(unknown_group, 422, "invalid_input")
    assert "add_groups: " in problems and "timezone: unknown time zone 'CET'" in problems
    _problem(k.post(f"/api/v1/cohorts/{COHORT_A}/visits/V-none", {"note": "x"}), 404, "not_found")
    _problem(k.post(path, {"start": "2026-04-13", "extra": 1}), 422, "invalid_input")
    assert bench.snapshot() == before


def test_a_host_partner_is_corrected_and_removed_unless_a_lesson_refers_to_it(
    bench: World,
) -> None:
    k = bench.caller("kA")
    hosts = f"/api/v1/cohorts/{COHORT_A}/hosts"
    made = k.post(
        hosts,
        {
            "code": "hA-ubah",
            "agency": "Pemerintah Kota Uji",
            "unit": "Dinas Kominfo",
            "city": "Kota Uji",
            "contact": {"name": "Pak Budi", "phone": "0812 1111 2222"},
        },
    )
    assert made.status_code == 201, made.text
    changed = k.post(
        f"{hosts}/hA-ubah",
        {"focus": "Satu data kota", "reasons": ["Smart city award"], "contact_role": "Kabid"},
    )
    assert changed.status_code == 200, changed.text
    host = changed.json()
    assert (host["code"], host["focus"], host["reasons"]) == (
        "hA-ubah",
        "Satu data kota",
        ["Smart city award"],
    )
    assert host["contact"] == {
        "name": "Pak Budi",
        "role": "Kabid",
        "phone": "0812 1111 2222",
        "email": None,
    }
    listed = {h["code"]: h for h in bench.caller("p1").get(f"{hosts}?limit=500").json()["items"]}
    assert listed["hA-ubah"]["focus"] == "Satu data kota"
    before = bench.snapshot()
    both = k.post(f"{hosts}/hA-ubah", {"clear_contact": True, "contact_name": "Bu Ani"})
    assert "clear_contact: the contact cannot be removed and changed at once" in _refused(
        both, 422, "invalid_input"
    )
    blank = k.post(f"{hosts}/hA-ubah", {"agency": " ", "timezone": "CET"})
    problems = _refused(blank, 422, "invalid_input")
    assert "agency: " in problems and "timezone: " in problems
    assert "Nothing to change on host partner hA-ubah" in _refused(
        k.post(f"{hosts}/hA-ubah", {}), 422, "invalid_input"
    )
    taught = k.post(f"{hosts}/hA-bappeda/remove")
    message = _refused(taught, 422, "precondition_failed")
    assert message.startswith("Host partner 'hA-bappeda' cannot be removed: ")
    assert "lesson #1 of P1 Uji Patok" in message and "the agenda of visit V1" in message
    _problem(k.post(f"{hosts}/hA-none/remove"), 404, "not_found")
    assert bench.snapshot() == before
    removed = k.post(f"{hosts}/hA-ubah/remove")
    assert removed.status_code == 200 and removed.json()["code"] == "hA-ubah"
    assert "hA-ubah" not in {h["code"] for h in k.get(f"{hosts}?limit=500").json()["items"]}


def test_refused_planning_names_the_problem_and_stores_nothing(bench: World) -> None:
    k = bench.caller("kA")
    before = bench.snapshot()
    no_members = k.post(
        f"/api/v1/cohorts/{COHORT_A}/groups",
        {"code": "KOSONG", "theme": "Tanpa anggota"},
        headers={"Accept-Language": "en"},
    )
    assert "members: group KOSONG has no members" in _refused(no_members, 422, "invalid_input")
    overlapping = k.post(
        f"/api/v1/cohorts/{COHORT_A}/visits",
        {
            "code": "V-overlap",
            "start_date": "2026-04-15",
            "end_date": "2026-04-16",
            "host_agency": "Pemerintah Kota Lain",
            "city": "Kota Lain",
            "participants": [f"p1@{MAIL}"],
        },
    )
    assert "participants: P1 Uji Patok is already booked on visit V1" in _refused(
        overlapping, 422, "invalid_input"
    )
    bad_yaml = (
        "groups:\n"
        "- code: III\n"
        "  theme: Kemiskinan\n"
        "  members: [p4@bpsdm.uji.go.id]\n"
        "  hosts: [tidak-ada]\n"
    )
    refused = k.post(
        f"/api/v1/cohorts/{COHORT_A}/plan",
        {"format": "yaml", "content": bad_yaml, "source": "rencana.yaml"},
    )
    assert "rencana.yaml groups[0].hosts (line 5): unknown host partner 'tidak-ada'" in _refused(
        refused, 422, "invalid_plan"
    )
    bad_csv = "visit,date,host,topic\nV-x,2026-13-01,hA-bappeda,Topik\n"
    refused_csv = k.post(f"/api/v1/cohorts/{COHORT_A}/plan", {"format": "csv", "content": bad_csv})
    assert "plan.csv line 2, column date" in _refused(refused_csv, 422, "invalid_plan")
    unknown = k.post(f"/api/v1/cohorts/{COHORT_A}/groups/ZZ", {"theme": "x"})
    _problem(unknown, 404, "not_found")
    emptied = k.post(
        f"/api/v1/cohorts/{COHORT_A}/groups/I",
        {"remove_members": [f"p1@{MAIL}", f"p3@{MAIL}"]},
    )
    assert "may not be left with no members" in _refused(emptied, 422, "invalid_input")
    assert bench.snapshot() == before


def test_a_group_report_of_the_wrong_type_is_refused_and_stores_nothing(bench: World) -> None:
    p1 = bench.caller("p1")
    path = f"/api/v1/cohorts/{COHORT_A}/groups/I/report"
    before = bench.snapshot()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    lying = p1.post(
        path,
        {"filename": "laporan.pdf", "media_type": "application/pdf", "content_base64": _b64(png)},
    )
    assert "not application/pdf as declared" in _refused(lying, 422, "invalid_input")
    not_allowed = p1.post(path, {"filename": "foto.png", "content_base64": _b64(png)})
    assert "type image/png is not allowed for laporan_benchmarking_kelompok" in _refused(
        not_allowed, 422, "precondition_failed"
    )
    wrong_kind = p1.post(
        path, {"kind": "laporan_diagnosis", "filename": "a.pdf", "content_base64": _b64(PDF)}
    )
    assert "is not a group report" in _refused(wrong_kind, 422, "precondition_failed")
    not_base64 = p1.post(path, {"filename": "a.pdf", "content_base64": "%%%"})
    _problem(not_base64, 422, "invalid_input")
    assert bench.snapshot() == before


# -- a project's content --------------------------------------------------------------------------


def test_a_participant_records_and_removes_lessons_and_decides_on_them(bench: World) -> None:
    ensure_stage(bench, "lesson_synthesis")
    t, p1 = bench.projects["T"], bench.caller("p1")
    recorded = p1.post(
        f"/api/v1/projects/{t}/lessons",
        {
            "host": "hA-bappeda",
            "practice": "Satu data perencanaan",
            "location": "Bidang Perencanaan",
            "evidence": "Dasbor yang diperagakan",
            "success_key": "Satu basis data",
            "lesson": "Data dipakai bersama",
        },
    )
    assert recorded.status_code == 201, recorded.text
    lesson_id = recorded.json()["id"]
    decided = p1.post(
        f"/api/v1/lessons/{lesson_id}/adoption",
        {
            "decision": "adapt",
            "rationale": "Cocok",
            "changes": "Skala kabupaten",
            "milestones": [2],
        },
    )
    assert decided.status_code == 200, decided.text
    lessons = bench.caller("m1").get(f"/api/v1/projects/{t}/lessons?limit=500").json()["items"]
    mine = next(ls for ls in lessons if ls["id"] == lesson_id)
    assert mine["host"] == "hA-bappeda" and mine["host_unit"] == "Bappeda, Pemerintah Kota Uji"
    assert mine["decision"]["decision"] == "adapt" and mine["decision"]["milestones"] == [2]
    adoption = bench.caller("c1").get(f"/api/v1/projects/{t}/adoption?limit=500").json()["items"]
    assert (
        next(a for a in adoption if a["lesson_id"] == lesson_id)["decision"]["changes"]
        == "Skala kabupaten"
    )
    removed = p1.post(f"/api/v1/lessons/{lesson_id}/remove")
    assert removed.status_code == 200 and removed.json()["event"] == "lesson.removed"
    after = p1.get(f"/api/v1/projects/{t}/lessons?limit=500").json()["items"]
    assert lesson_id not in {ls["id"] for ls in after}
    _problem(
        p1.post(f"/api/v1/lessons/{lesson_id}/adoption", {"decision": "adopt", "rationale": "x"}),
        404,
        "not_found",
    )


def test_a_participant_plans_milestones_and_reports_them_done_slipped_or_replanned(
    bench: World,
) -> None:
    ensure_stage(bench, "adoption")
    t, p1 = bench.projects["T"], bench.caller("p1")
    added = p1.post(
        f"/api/v1/projects/{t}/milestones",
        {"title": "Uji coba aplikasi", "term": "short", "target_date": "2026-03-20"},
    )
    assert added.status_code == 201, added.text
    milestone = added.json()["id"]
    done = p1.post(f"/api/v1/milestones/{milestone}/done", {"evidence": "Berita acara"})
    assert done.status_code == 200, done.text
    slipped = p1.post(
        f"/api/v1/milestones/{bench.bench['milestone2']}/slip",
        {"reason": "Anggaran tertunda"},
    )
    assert slipped.status_code == 200, slipped.text
    replanned = p1.post(
        f"/api/v1/milestones/{bench.bench['milestone3']}/replan",
        {"new_target": "2026-12-01", "note": "Jadwal baru"},
    )
    assert replanned.status_code == 200, replanned.text
    shown = {m["id"]: m for m in p1.get(f"/api/v1/projects/{t}/milestones").json()["items"]}
    assert (shown[milestone]["status"], shown[milestone]["evidence"]) == ("done", "Berita acara")
    assert shown[milestone]["done_on"] == "2026-03-02"
    assert (
        shown[bench.bench["milestone2"]]["status"],
        shown[bench.bench["milestone2"]]["note"],
    ) == (
        "slipped",
        "Anggaran tertunda",
    )
    assert shown[bench.bench["milestone3"]]["target_date"] == "2026-12-01"
    watched = (
        bench.caller("m1").get(f"/api/v1/milestones/slipped?cohort={COHORT_A}").json()["items"]
    )
    assert {(s["project_id"], s["milestone"]["id"], s["reported"]) for s in watched} >= {
        (t, bench.bench["milestone2"], True)
    }
    assert bench.caller("kB").get("/api/v1/milestones/slipped").json()["items"] == []
    _problem(
        bench.caller("c1").get(f"/api/v1/milestones/slipped?cohort={COHORT_A}"), 403, "forbidden"
    )


def test_refused_content_names_the_missing_field_and_stores_nothing(bench: World) -> None:
    ensure_stage(bench, "lesson_synthesis")
    t, p1 = bench.projects["T"], bench.caller("p1")
    before = bench.snapshot()
    no_practice = p1.post(
        f"/api/v1/projects/{t}/lessons",
        {"host": "hA-bappeda", "evidence": "Dasbor", "success_key": "Data", "lesson": "Pelajaran"},
    )
    assert "practice: required: the observed best practice (what)" in _refused(
        no_practice, 422, "invalid_input"
    )
    unknown_host = p1.post(
        f"/api/v1/projects/{t}/lessons",
        {"host": "entah", "practice": "P", "evidence": "E", "success_key": "K", "lesson": "L"},
    )
    assert "host partner 'entah' is not known" in _refused(unknown_host, 422, "invalid_input")
    no_rationale = p1.post(
        f"/api/v1/lessons/{bench.bench['lesson1']}/adoption", {"decision": "adopt"}
    )
    assert "required: why it is adopted" in _refused(no_rationale, 422, "invalid_input")
    unknown_lesson = p1.post(
        "/api/v1/lessons/999999/adoption", {"decision": "adopt", "rationale": "x"}
    )
    _problem(unknown_lesson, 404, "not_found")
    bad_decision = p1.post(
        f"/api/v1/lessons/{bench.bench['lesson1']}/adoption", {"decision": "maybe"}
    )
    _problem(bad_decision, 422, "invalid_input")
    out_of_stage = p1.post(
        f"/api/v1/projects/{t}/milestones",
        {"title": "Terlambat", "term": "long", "target_date": "2027-01-01"},
    )
    body = _problem(out_of_stage, 422, "precondition_failed")
    assert body["details"] == {
        "state": "lesson_synthesis.drafting",
        "stages": ["adoption", "implementation"],
    }
    stale = p1.post(
        f"/api/v1/projects/{t}/lessons",
        {
            "host": "hA-bappeda",
            "practice": "P",
            "evidence": "E",
            "success_key": "K",
            "lesson": "L",
            "expected_version": 1,
        },
    )
    _problem(stale, 409, "conflict")
    not_theirs = bench.caller("m1").post(
        f"/api/v1/projects/{t}/lessons",
        {"host": "hA-bappeda", "practice": "P", "evidence": "E", "success_key": "K", "lesson": "L"},
    )
    _problem(not_theirs, 403, "forbidden")
    assert bench.snapshot() == before


# -- Idempotency-Key and pagination ---------------------------------------------------------------


def test_a_new_post_with_an_idempotency_key_is_applied_once_and_replayed(bench: World) -> None:
    k = bench.caller("kA")
    body = {
        "code": "hA-idem",
        "agency": "Pemerintah Kota Uji",
        "unit": "Inspektorat",
        "city": "Kota Uji",
    }
    path = f"/api/v1/cohorts/{COHORT_A}/hosts"
    first = k.post(path, body, headers={"Idempotency-Key": "host-idem-1"})
    after_first = bench.snapshot()
    again = k.post(path, body, headers={"Idempotency-Key": "host-idem-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert bench.snapshot() == after_first
    other = k.post(path, dict(body, unit="Lain"), headers={"Idempotency-Key": "host-idem-1"})
    _problem(other, 422, "idempotency_mismatch")


def test_a_new_list_is_paginated_with_a_next_offset(bench: World) -> None:
    p1 = bench.caller("p1")
    path = f"/api/v1/projects/{bench.projects['T']}/milestones"
    whole = p1.get(f"{path}?limit=500").json()
    assert whole["total"] >= 3
    first = p1.get(f"{path}?limit=2").json()
    assert (
        first["total"] == whole["total"] and len(first["items"]) == 2 and first["next_offset"] == 2
    )
    rest = p1.get(f"{path}?limit=2&offset=2").json()
    assert rest["items"] == whole["items"][2:4]
    last = p1.get(f"{path}?limit=2&offset={whole['total'] - 1}").json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    _problem(p1.get(f"{path}?limit=501"), 422, "invalid_input")


def test_a_token_of_another_cohort_cannot_reach_this_cohorts_benchmarking(bench: World) -> None:
    issued = bench.caller("kB").post("/api/v1/tokens", {"cohort": COHORT_B, "name": "LMS"})
    token = issued.json()["token"]
    client = bench.anonymous()
    headers = {"Authorization": f"Bearer {token}"}
    before = bench.snapshot()
    for path, body in (
        (
            f"/api/v1/cohorts/{COHORT_A}/hosts",
            {"code": "hA-token", "agency": "A", "unit": "U", "city": "C"},
        ),
        (f"/api/v1/milestones/{bench.bench['milestone1']}/done", {"evidence": "Berita acara"}),
        (
            f"/api/v1/seminars/{bench.bench['session']}/participants",
            {"participants": [f"p2@{MAIL}"]},
        ),
    ):
        _problem(client.post(path, json=body, headers=headers), 403, "forbidden")
    _problem(client.get(f"/api/v1/cohorts/{COHORT_A}/groups", headers=headers), 403, "forbidden")
    assert bench.snapshot() == before


# -- reports --------------------------------------------------------------------------------------


def test_the_traceability_table_and_host_report_come_as_json_and_as_files(bench: World) -> None:
    k = bench.caller("kA")
    trace = k.get(f"/api/v1/cohorts/{COHORT_A}/reports/trace").json()
    assert trace["cohort"] == COHORT_A and trace["total"] >= 3
    row = next(r for r in trace["items"] if r["lesson_number"] == 1)
    assert (row["host_code"], row["decision"], row["milestone_number"]) == (
        "hA-bappeda",
        "adopt",
        1,
    )
    assert row["group"] == "I" and row["nip"]
    hosts = k.get(f"/api/v1/cohorts/{COHORT_A}/reports/hosts").json()["items"]
    bappeda = next(h for h in hosts if h["host"]["code"] == "hA-bappeda")
    assert bappeda["projects_learned"] == 1 and bappeda["projects_adopted"] == 1
    assert "I" in bappeda["groups"]
    csv = k.get(
        f"/api/v1/cohorts/{COHORT_A}/reports/trace?format=csv", headers={"Accept-Language": "en"}
    )
    assert csv.status_code == 200 and csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"].startswith(
        f'attachment; filename="{COHORT_A}-trace.csv"'
    )
    assert csv.text.splitlines()[0].startswith("Participant,NIP,Group")
    xlsx = k.get(f"/api/v1/cohorts/{COHORT_A}/reports/hosts?format=xlsx")
    assert xlsx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.headers["content-disposition"].startswith(
        f'attachment; filename="{COHORT_A}-hosts.xlsx"'
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["mitra", "praktik"]  # per host partner, then per practice
    assert book["mitra"].max_row >= 3 and "hA-bappeda" in {c.value for c in book["mitra"]["A"]}
    practices = [row for row in book["praktik"].iter_rows(min_row=2, values_only=True)]
    assert ("hA-bappeda", "Praktik 1: e-planning terintegrasi") in {(r[0], r[2]) for r in practices}
    per_practice = k.get(
        f"/api/v1/cohorts/{COHORT_A}/reports/hosts?format=csv&sheet=practices",
        headers={"Accept-Language": "en"},
    )
    assert per_practice.headers["content-type"] == "text/csv; charset=utf-8"
    assert per_practice.headers["content-disposition"].startswith(
        f'attachment; filename="{COHORT_A}-practices.csv"'
    )
    assert "Praktik 1: e-planning terintegrasi" in per_practice.text
    per_host = k.get(f"/api/v1/cohorts/{COHORT_A}/reports/hosts?format=csv")
    assert per_host.headers["content-disposition"].startswith(
        f'attachment; filename="{COHORT_A}-hosts.csv"'
    )
    assert per_host.text.splitlines()[0] != per_practice.text.splitlines()[0]
    both = k.get(
        f"/api/v1/cohorts/{COHORT_A}/reports/hosts?format=html", headers={"Accept-Language": "en"}
    )
    assert both.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h2>By host partner</h2>" in both.text and "<h2>By best practice</h2>" in both.text
    _problem(
        k.get(f"/api/v1/cohorts/{COHORT_A}/reports/hosts?format=csv&sheet=lessons"),
        422,
        "invalid_input",
    )
    html = k.get(f"/api/v1/cohorts/{COHORT_A}/reports/trace?format=html")
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "<table" in html.text and "Praktik 1: e-planning terintegrasi" in html.text
    _problem(k.get(f"/api/v1/cohorts/{COHORT_A}/reports/trace?format=pdf"), 422, "invalid_input")
    _problem(
        bench.caller("p1").get(f"/api/v1/cohorts/{COHORT_A}/reports/trace?format=xlsx"),
        403,
        "forbidden",
    )


def test_a_participants_record_comes_as_json_html_or_pdf(bench: World) -> None:
    t = bench.projects["T"]
    p1 = bench.caller("p1")
    record = p1.get(f"/api/v1/projects/{t}/record").json()
    assert record["group"]["code"] == "I" and record["visits"][0]["code"] == "V1"
    assert record["visits"][0]["hosts"] == ["hA-bappeda"]
    assert {ls["number"] for ls in record["lessons"]} >= {1, 2}
    assert record["seminars"]["seminars"][0]["session"]["kind"] == "design"
    assert record["seminars"]["certificate"]["status"] in {
        "pending",
        "withheld",
        "eligible",
        "failed",
    }
    pdf = bench.caller("kA").get(f"/api/v1/projects/{t}/record?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith(
        f'attachment; filename="project-{t}-record.pdf"'
    )
    html = bench.caller("m1").get(f"/api/v1/projects/{t}/record?format=html")
    assert (
        html.headers["content-type"] == "text/html; charset=utf-8" and "P1 Uji Patok" in html.text
    )
    _problem(bench.caller("p2").get(f"/api/v1/projects/{t}/record?format=pdf"), 403, "forbidden")
    _problem(p1.get(f"/api/v1/projects/{t}/record?format=docx"), 422, "invalid_input")


def test_a_participants_record_comes_as_csv_and_as_an_xlsx_sheet_openpyxl_opens(
    bench: World,
) -> None:
    t = bench.projects["T"]
    csv_file = bench.caller("p1").get(
        f"/api/v1/projects/{t}/record?format=csv", headers={"Accept-Language": "en"}
    )
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_file.headers["content-disposition"].startswith(
        f'attachment; filename="project-{t}-record.csv"'
    )
    rows = list(csv.reader(io.StringIO(csv_file.text)))
    assert rows[0] == ["Section", "No./code", "Item", "Details", "Date", "Status"]
    assert rows[1][0] == "Participant" and rows[1][2] == "P1 Uji Patok"
    assert {r[0] for r in rows} >= {"Group", "Visit", "Lesson", "Milestone", "Certificate"}
    xlsx = bench.caller("m1").get(f"/api/v1/projects/{t}/record?format=xlsx")
    assert xlsx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.headers["content-disposition"].startswith(
        f'attachment; filename="project-{t}-record.xlsx"'
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["catatan"] and book["catatan"].max_row == len(rows)
    _problem(bench.caller("p2").get(f"/api/v1/projects/{t}/record?format=csv"), 403, "forbidden")


def test_the_board_counts_each_participants_content_and_names_what_the_stage_lacks(
    bench: World,
) -> None:
    ensure_stage(bench, "lesson_synthesis")
    k = bench.caller("kA")
    rows = {r["project_id"]: r for r in k.get(f"/api/v1/cohorts/{COHORT_A}/board").json()["items"]}
    t = rows[bench.projects["T"]]
    register = k.get(f"/api/v1/projects/{bench.projects['T']}/lessons?limit=500").json()
    assert t["lessons"] == register["total"] >= 2  # lesson synthesis asks for two
    assert t["group"] == "I" and t["visit"] in ("planned", "under_way", "done")
    assert t["missing_content"] == [] and t["missing_content_id"] == []
    p2 = rows[bench.projects["p2"]]
    assert (p2["lessons"], p2["missing_content"]) == (0, [])  # diagnosis requires nothing
