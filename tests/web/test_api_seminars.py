"""The JSON API for seminars, through the same service as the CLI, on SQLite and PostgreSQL:
sessions scheduled with their examiners, participants put in them, the panel's scores, the
examiner's grade, a failing grade's remediation and capped re-grade, and the participant's record
with the certificate — and refusals (a grade off the scale, a score from someone not on the panel,
a score out of range) that store nothing.

One world with cohort A's benchmarking and its design seminar (``tests/web/world.py``) per
database serves the module; each test works on sessions or entries of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import module_database
from tests.web.world import MAIL, PASSWORD, World, build_world, with_benchmarking

COHORT = "UJI-A"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bench(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Cohort A with its benchmarking and design seminar, once per database."""
    with module_database(request.param, tmp_path_factory) as url:
        built = with_benchmarking(build_world(url, tmp_path_factory.mktemp("data")))
        try:
            yield built
        finally:
            built.app.close()


def _refused(response: httpx.Response, status: int, code: str) -> str:
    """The English message of a problem with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["status"] == status
    return str(body["messages"]["en"])


def _session(w: World, kind: str, *participants: str) -> int:
    """A new session of ``kind`` examined by xA, with these participants in it."""
    k = w.caller("kA")
    made = k.post(
        f"/api/v1/cohorts/{COHORT}/seminars",
        {"kind": kind, "starts_at": w.clock.now().isoformat(), "examiners": [f"xA@{MAIL}"]},
    )
    assert made.status_code == 201, made.text
    session = int(made.json()["id"])
    added = k.post(
        f"/api/v1/seminars/{session}/participants",
        {"participants": [f"{p}@{MAIL}" for p in participants]},
    )
    assert added.status_code == 201, added.text
    return session


def test_a_coordinator_schedules_a_session_and_it_is_listed_with_the_examiners_load(
    bench: World,
) -> None:
    k = bench.caller("kA")
    made = k.post(
        f"/api/v1/cohorts/{COHORT}/seminars",
        {
            "kind": "final",
            "starts_at": "2026-08-03T09:00:00+09:00",
            "examiners": [f"xA@{MAIL}"],
            "title": "Seminar akhir gelombang 1",
            "place": "Aula BPSDM",
        },
    )
    assert made.status_code == 201, made.text
    session = made.json()
    assert session["kind"] == "final" and session["examiners"] == [bench.ids["xA"]]
    added = k.post(
        f"/api/v1/seminars/{session['id']}/participants",
        {"participants": [f"p1@{MAIL}", f"p2@{MAIL}"], "examiner": f"xA@{MAIL}"},
    )
    assert added.status_code == 201, added.text
    assert {e["project_id"] for e in added.json()["entries"]} == {
        bench.projects["T"],
        bench.projects["p2"],
    }
    assert added.json()["warnings"] == []
    listed = bench.caller("p2").get(f"/api/v1/cohorts/{COHORT}/seminars").json()["items"]
    shown = next(s for s in listed if s["id"] == session["id"])
    assert shown["title"] == "Seminar akhir gelombang 1" and shown["place"] == "Aula BPSDM"
    assert shown["starts_at"].startswith("2026-08-03T00:00:00")
    assert [(x["examiner"]["id"], x["participants"]) for x in shown["examiner_load"]] == [
        (bench.ids["xA"], 2)
    ]
    assert shown["examiner_load_limit"] == 10
    assert {e["participant"]["email"] for e in shown["entries"]} == {f"p1@{MAIL}", f"p2@{MAIL}"}


def test_the_panel_scores_the_examiner_grades_and_a_failing_grade_is_regraded_capped(
    bench: World,
) -> None:
    session = _session(bench, "benchmarking", "p2")
    for nick in ("xA", "m2", "c2"):
        scored = bench.caller(nick).post(
            f"/api/v1/seminars/{session}/scores", {"participant": f"p2@{MAIL}", "score": 70}
        )
        assert scored.status_code == 200, scored.text
        assert scored.json()["event"] == "seminar.scored"
    graded = bench.caller("xA").post(
        f"/api/v1/seminars/{session}/grades",
        {"participant": f"p2@{MAIL}", "remediation": "make_up"},
    )
    assert graded.status_code == 200, graded.text
    assert graded.json()["entry"]["grade"] == "kurang_memuaskan"
    assert graded.json()["entry"]["mean_score"] == 70
    remediation = graded.json()["remediation_id"]
    assert remediation is not None
    regraded = bench.caller("xA").post(
        f"/api/v1/remediations/{remediation}/regrade", {"score": 95, "note": "Ujian ulang"}
    )
    assert regraded.status_code == 200, regraded.text
    assert regraded.json()["payload"]["grade"] == "cukup_memuaskan"
    assert regraded.json()["payload"]["capped"] is True
    record = bench.caller("p2").get(f"/api/v1/projects/{bench.projects['p2']}/seminars").json()
    seminar = next(s for s in record["seminars"] if s["session"]["id"] == session)
    assert {(s["scorer"]["email"], s["role"], s["score"]) for s in seminar["scores"]} == {
        (f"xa@{MAIL}", "examiner", 70),
        (f"m2@{MAIL}", "mentor", 70),
        (f"c2@{MAIL}", "coach", 70),
    }
    assert seminar["remediation"]["kind"] == "make_up"
    assert (
        seminar["remediation"]["status"] == "passed"
        and seminar["remediation"]["regrade"] == "cukup_memuaskan"
    )
    assert record["scale"][-1] == "kurang_memuaskan"
    assert record["certificate"]["status"] == "pending"
    assert record["certificate"]["reasons_en"]


def test_an_examiner_grades_on_the_programmes_scale(bench: World) -> None:
    session = bench.bench["session"]
    graded = bench.caller("xA").post(
        f"/api/v1/seminars/{session}/grades",
        {"participant": f"p3@{MAIL}", "grade": "memuaskan"},
    )
    assert graded.status_code == 200, graded.text
    assert graded.json()["remediation_id"] is None
    listed = bench.caller("kA").get(f"/api/v1/cohorts/{COHORT}/seminars").json()["items"]
    entry = next(
        e
        for s in listed
        if s["id"] == session
        for e in s["entries"]
        if e["project_id"] == bench.projects["T2"]
    )
    assert (entry["grade"], entry["mean_score"]) == ("memuaskan", 88)


def test_refused_seminar_input_names_what_is_allowed_and_stores_nothing(bench: World) -> None:
    session, p1 = bench.bench["session"], f"p1@{MAIL}"
    k, x = bench.caller("kA"), bench.caller("xA")
    before = bench.snapshot()
    off_scale = x.post(
        f"/api/v1/seminars/{session}/grades", {"participant": p1, "grade": "luar_biasa"}
    )
    message = _refused(off_scale, 422, "invalid_input")
    assert "Grade 'luar_biasa' is not on the programme's scale (sangat_memuaskan" in message
    out_of_range = x.post(f"/api/v1/seminars/{session}/scores", {"participant": p1, "score": 120})
    assert "Score 120 is outside the range 0–100" in _refused(out_of_range, 422, "invalid_input")
    stranger = bench.caller("m2").post(
        f"/api/v1/seminars/{session}/scores", {"participant": p1, "score": 80}
    )
    assert "allowed: coach, examiner, mentor" in _refused(stranger, 403, "forbidden")
    coordinator = k.post(f"/api/v1/seminars/{session}/scores", {"participant": p1, "score": 80})
    _refused(coordinator, 403, "forbidden")
    participant = bench.caller("p1").post(f"/api/v1/seminars/{session}/grades", {"participant": p1})
    _refused(participant, 403, "forbidden")
    graded_already = x.post(
        f"/api/v1/seminars/{session}/scores", {"participant": f"p4@{MAIL}", "score": 75}
    )
    assert "graded already" in _refused(graded_already, 422, "precondition_failed")
    above_cap = x.post(
        f"/api/v1/remediations/{bench.bench['remediation']}/regrade", {"grade": "sangat_memuaskan"}
    )
    assert "at most 'cukup_memuaskan'" in _refused(above_cap, 422, "precondition_failed")
    both = x.post(
        f"/api/v1/remediations/{bench.bench['remediation']}/regrade",
        {"grade": "cukup_memuaskan", "score": 80},
    )
    _refused(both, 422, "invalid_input")
    naive = k.post(
        f"/api/v1/cohorts/{COHORT}/seminars",
        {"kind": "final", "starts_at": "2026-08-03T09:00:00", "examiners": [f"xA@{MAIL}"]},
    )
    assert "starts_at: Input should have timezone info" in _refused(naive, 422, "invalid_input")
    no_examiner = k.post(
        f"/api/v1/cohorts/{COHORT}/seminars",
        {"kind": "final", "starts_at": "2026-08-03T09:00:00+09:00"},
    )
    assert "at least one examiner" in _refused(no_examiner, 422, "invalid_input")
    not_examiner = k.post(
        f"/api/v1/cohorts/{COHORT}/seminars",
        {"kind": "final", "starts_at": "2026-08-03T09:00:00+09:00", "examiners": [f"m1@{MAIL}"]},
    )
    assert "is not among the examiners of cohort UJI-A" in _refused(
        not_examiner, 422, "invalid_input"
    )
    twice = k.post(f"/api/v1/seminars/{session}/participants", {"participants": [p1]})
    assert "is already in session" in _refused(twice, 422, "invalid_input")
    not_coordinator = bench.caller("xA").post(
        f"/api/v1/cohorts/{COHORT}/seminars",
        {"kind": "final", "starts_at": "2026-08-03T09:00:00+09:00", "examiners": [f"xA@{MAIL}"]},
    )
    _refused(not_coordinator, 403, "forbidden")
    _refused(
        x.post("/api/v1/seminars/999999/scores", {"participant": p1, "score": 80}), 404, "not_found"
    )
    assert bench.snapshot() == before


def test_an_examiner_of_the_cohort_not_on_the_participants_panel_cannot_score_them(
    bench: World,
) -> None:
    roster = (
        "role,nip,name,email,agency,unit,phone,mentor,coach,project_title\n"
        f"examiner,197502022003122004,Penguji Kedua,x2@{MAIL},BPSDM,,,,,\n"
    )
    imported = bench.caller("kA").post(
        f"/api/v1/cohorts/{COHORT}/roster", {"format": "csv", "content": roster}
    )
    assert imported.status_code == 200, imported.text
    second = bench.app.engine.resolve_actor(f"x2@{MAIL}")
    assert second.id is not None
    bench.app.accounts.give_demo_password([second.id], PASSWORD)
    before = bench.snapshot()
    refused = bench.caller("x2").post(
        f"/api/v1/seminars/{bench.bench['session']}/scores",
        {"participant": f"p1@{MAIL}", "score": 80},
    )
    message = _refused(refused, 403, "forbidden")
    assert "is not on this participant's panel" in message and "XA Uji Patok (examiner)" in message
    assert bench.snapshot() == before
