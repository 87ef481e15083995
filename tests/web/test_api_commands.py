"""The JSON API's commands, through the same engine as the CLI: a project carried through its
stages, cohorts, rosters, extensions, dead letters, accounts and operations — on SQLite and
PostgreSQL — with refusals as problem documents that say what is allowed now."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from adapters.db.orm import AuditRow, CredentialRow, OutboxRow
from tests.web.world import COHORT_A, COHORT_B, MAIL, PDF, World, pdf_artifacts


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    headers = response.headers
    assert headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["code"] == code and body["status"] == status
    assert body["type"] == f"/problems/{code}"
    assert "Traceback" not in response.text
    return body


def test_a_project_goes_from_submission_to_the_next_stage_through_the_api(world: World) -> None:
    t = world.projects["T"]
    p1, m1 = world.caller("p1"), world.caller("m1")
    submitted = p1.post(
        f"/api/v1/projects/{t}/submit",
        {"note": "Kesepakatan", "artifacts": pdf_artifacts(["kesepakatan_area_perubahan"])},
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "taking_ownership.submitted"
    inbox = m1.get("/api/v1/inbox").json()
    assert {i["project_id"] for i in inbox["items"]} == {world.projects["T2"], t}
    approved = m1.post(
        f"/api/v1/projects/{t}/approve",
        {"comment": "Lanjutkan", "expected_version": submitted.json()["version"]},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["payload"]["next_stage"] == "benchmarking"
    shown = p1.get(f"/api/v1/projects/{t}").json()
    assert shown["state"] == "benchmarking.drafting"
    assert "submit" in shown["allowed_now"] and "approve" not in shown["allowed_now"]
    assert shown["decisions"][-1]["comment"] == "Lanjutkan"
    files = shown["submissions"][-1]["artifacts"]
    assert files[0]["kind"] == "kesepakatan_area_perubahan" and files[0]["size"] == len(PDF)
    history = p1.get(f"/api/v1/projects/{t}/history").json()["items"]
    assert [e["action"] for e in history][-2:] == ["stage.submitted", "stage.approved"]


def test_a_refused_command_says_what_is_allowed_now_and_stores_nothing(world: World) -> None:
    t2 = world.projects["T2"]
    before = world.snapshot()
    again = world.caller("p3").post(
        f"/api/v1/projects/{t2}/submit", {"artifacts": pdf_artifacts(["laporan_diagnosis"])}
    )
    body = _problem(again, 409, "illegal_transition")
    assert body["allowed_now"] == ["approve", "request_changes", "withdraw"]
    no_comment = world.caller("m1").post(f"/api/v1/projects/{t2}/request-changes", {"comment": " "})
    _problem(no_comment, 422, "precondition_failed")
    moved = world.caller("m1").post(f"/api/v1/projects/{t2}/approve", {"expected_version": 1})
    _problem(moved, 409, "conflict")
    assert world.snapshot() == before


def test_problems_come_in_english_when_asked_and_name_every_invalid_field(world: World) -> None:
    t = world.projects["T"]
    missing = world.caller("p1").post(
        f"/api/v1/projects/{t}/submit", {"artifacts": []}, headers={"Accept-Language": "en"}
    )
    body = _problem(missing, 422, "precondition_failed")
    assert body["detail"] == "Required artifacts are missing: kesepakatan_area_perubahan"
    assert body["title"] == "Precondition not met"
    invalid = world.caller("p1").post(
        f"/api/v1/projects/{t}/extensions", {"new_due_date": "besok", "surprise": 1}
    )
    fields = {f["field"] for f in _problem(invalid, 422, "invalid_input")["details"]["fields"]}  # type: ignore[index]
    assert fields == {"new_due_date", "surprise"}


def test_a_file_whose_content_is_not_its_declared_type_is_refused(world: World) -> None:
    t = world.projects["T"]
    png_as_pdf = {
        "kind": "kesepakatan_area_perubahan",
        "filename": "scan.pdf",
        "media_type": "application/pdf",
        "content_base64": base64.b64encode(b"\x89PNG\r\n\x1a\n...").decode(),
    }
    refused = world.caller("p1").post(f"/api/v1/projects/{t}/submit", {"artifacts": [png_as_pdf]})
    assert "not application/pdf" in str(_problem(refused, 422, "invalid_input")["messages"])
    unknown_type = dict(png_as_pdf, media_type="application/octet-stream", filename="scan.png")
    accepted = world.caller("p1").post(
        f"/api/v1/projects/{t}/submit", {"artifacts": [unknown_type]}
    )
    assert accepted.status_code == 200, accepted.text  # sniffed as PNG, which this kind allows
    shown = world.caller("p1").get(f"/api/v1/projects/{t}").json()
    assert shown["submissions"][-1]["artifacts"][0]["media_type"] == "image/png"


def test_a_file_over_the_programmes_size_limit_is_refused(world: World) -> None:
    t = world.projects["T"]
    big = PDF + b"0" * (20 * 1024 * 1024)
    refused = world.caller("p1").post(
        f"/api/v1/projects/{t}/submit",
        {
            "artifacts": [
                {
                    "kind": "kesepakatan_area_perubahan",
                    "filename": "besar.pdf",
                    "media_type": "application/pdf",
                    "content_base64": base64.b64encode(big).decode(),
                }
            ]
        },
    )
    assert "larger than 20 MB" in str(_problem(refused, 422, "precondition_failed")["messages"])


def test_a_coordinator_withdraws_and_reopens_through_the_api(world: World) -> None:
    k = world.caller("kA")
    reopened = k.post(
        f"/api/v1/projects/{world.projects['T']}/reopen", {"stage": "diagnosis", "reason": "Salah"}
    )
    assert reopened.json()["state"] == "diagnosis.drafting"
    withdrawn = k.post(f"/api/v1/projects/{world.projects['p2']}/withdraw", {"reason": "Mutasi"})
    assert withdrawn.json()["state"] == "withdrawn"
    _problem(k.post(f"/api/v1/projects/{world.projects['p2']}/withdraw", {"reason": "x"}), 409, "illegal_transition")


def test_an_extension_is_requested_listed_and_granted_or_refused(world: World) -> None:
    t = world.projects["T"]
    asked = world.caller("p1").post(
        f"/api/v1/projects/{t}/extensions", {"new_due_date": "2026-03-31", "reason": "Data"}
    )
    assert asked.status_code == 201, asked.text
    ext = asked.json()["payload"]["extension"]
    pending = world.caller("kA").get(f"/api/v1/extensions?cohort={COHORT_A}&status=pending").json()
    assert {e["id"] for e in pending["items"]} == {ext, world.extension}
    granted = world.caller("m1").post(f"/api/v1/extensions/{ext}/grant", {"note": "ok"})
    assert granted.json()["payload"]["due_at"].startswith("2026-03-31")
    _problem(world.caller("kA").post(f"/api/v1/extensions/{world.extension}/refuse", {}), 422, "precondition_failed")
    refused = world.caller("kA").post(f"/api/v1/extensions/{world.extension}/refuse", {"note": "Tidak"})
    assert refused.json()["event"] == "extension.refused"


def test_a_cohort_is_created_and_its_roster_imported_all_or_nothing(world: World) -> None:
    k = world.caller("kA")
    cohort = {
        "code": "UJI-C",
        "name": "Angkatan uji C",
        "programme": "PKA",
        "organiser": "BPSDM Uji",
        "timezone": "WIT",
        "start_date": "2026-04-06",
    }
    created = k.post("/api/v1/cohorts", cohort)
    assert created.status_code == 201 and created.json()["roles"] == ["coordinator"]
    assert created.json()["timezone"] == "Asia/Jayapura"
    _problem(k.post("/api/v1/cohorts", cohort), 409, "already_exists")
    _problem(world.caller("m1").post("/api/v1/cohorts", {**cohort, "code": "UJI-D"}), 403, "forbidden")
    _problem(k.post("/api/v1/cohorts", {**cohort, "code": "UJI-E", "programme": "XYZ"}), 422, "unknown_programme")
    header = "role,nip,name,email,agency,unit,phone,mentor,coach,project_title\n"
    bad = k.post(
        "/api/v1/cohorts/UJI-C/roster",
        {"format": "csv", "content": header + "participant,123,Nama,x@y.go.id,BKD,,,,,Judul\n"},
    )
    problems = _problem(bad, 422, "invalid_roster")["details"]["problems"]  # type: ignore[index]
    assert any("123" in p for p in problems)
    good = k.post(
        "/api/v1/cohorts/UJI-C/roster",
        {
            "format": "csv",
            "content": header
            + f"mentor,197502022003122004,Mentor Baru,mentor.baru@{MAIL},BKD,,,,,\n"
            + f"participant,198001152005011003,Peserta Baru,peserta.baru@{MAIL},BKD,,,mentor.baru@{MAIL},,Proyek baru\n",
        },
    )
    assert good.json() == {
        "participants": 1, "mentors": 1, "coaches": 0, "examiners": 0, "coordinators": 0, "projects": 1,
    }


def test_the_head_of_the_organising_agency_is_named_at_creation_or_later_and_shown(
    world: World,
) -> None:
    k = world.caller("kA")
    created = k.post(
        "/api/v1/cohorts",
        {
            "code": "UJI-H",
            "name": "Angkatan uji H",
            "programme": "PKP",
            "organiser": "BPSDM Uji",
            "timezone": "WIB",
            "start_date": "2026-04-06",
            "agency_head": "Kepala.BPSDM@Uji.go.id",
        },
    )
    assert created.status_code == 201
    assert created.json()["agency_head_email"] == "kepala.bpsdm@uji.go.id"
    before = world.snapshot()
    bad = _problem(k.post("/api/v1/cohorts/UJI-H/agency-head", {"email": "bukan alamat"}), 422, "invalid_input")
    assert "not an e-mail address" in bad["messages"]["en"]  # type: ignore[index]
    assert world.snapshot() == before
    changed = k.post("/api/v1/cohorts/UJI-H/agency-head", {"email": "sekda@uji.go.id"})
    assert changed.status_code == 200
    assert changed.json()["agency_head_email"] == "sekda@uji.go.id"
    listed = {c["code"]: c for c in k.get("/api/v1/cohorts").json()["items"]}
    assert listed["UJI-H"]["agency_head_email"] == "sekda@uji.go.id"
    assert listed[COHORT_A]["agency_head_email"] is None
    with world.app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code("UJI-H")
        assert cohort.id is not None
        assert uow.cohorts.agency_heads([cohort.id]) == {cohort.id: "sekda@uji.go.id"}


def test_dead_letters_are_listed_and_sent_again_by_their_coordinator(world: World) -> None:
    listed = world.caller("kA").get("/api/v1/outbox/dead").json()
    assert [d["id"] for d in listed["items"]] == [world.dead_letter]
    assert world.caller("kB").get("/api/v1/outbox/dead").json()["items"] == []
    retried = world.caller("kA").post("/api/v1/outbox/retry", {"all": True})
    assert retried.json() == {"count": 1}
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        status = conn.execute(select(OutboxRow.status).where(OutboxRow.id == world.dead_letter)).scalar_one()
    assert status == "pending"
    _problem(world.caller("kA").post("/api/v1/outbox/retry", {}), 422, "invalid_input")


def test_organisers_run_the_sweep_dispatch_digest_and_audit_check_and_no_one_else(world: World) -> None:
    world.clock.advance(timedelta(days=14))
    k = world.caller("kA")
    swept = k.post("/api/v1/sweep")
    assert swept.status_code == 200 and swept.json()["escalations"] > 0
    escalations = k.get(f"/api/v1/escalations?cohort={COHORT_A}&level=1").json()
    assert escalations["total"] > 0 and {e["cohort"] for e in escalations["items"]} == {COHORT_A}
    everything = k.get(f"/api/v1/escalations?cohort={COHORT_A}&kind=all&status=all").json()
    assert everything["total"] >= escalations["total"]
    assert set(k.post("/api/v1/digest", {"zone": "Asia/Jayapura"}).json()) == {"count"}
    dispatched = k.post("/api/v1/dispatch").json()
    assert set(dispatched) == {"sent", "retried", "dead", "claimed", "cancelled"}
    assert dispatched["retried"] == dispatched["claimed"] > 0  # no SMTP server listens here
    assert dispatched["cancelled"] == 1  # one queued notice went stale first: cancelled, not sent
    assert k.get("/api/v1/audit/verify").json()["intact"] is True
    for path in ("/api/v1/sweep", "/api/v1/dispatch", "/api/v1/digest"):
        _problem(world.caller("m1").post(path, {} if path.endswith("digest") else None), 403, "forbidden")
    _problem(world.caller("c1").get("/api/v1/audit/verify"), 403, "forbidden")


def test_people_preferences_passwords_and_resets_through_the_api(world: World) -> None:
    k = world.caller("kA")
    added = k.post(
        "/api/v1/people",
        {"nip": "198203142008012006", "name": "Orang Baru", "email": f"baru@{MAIL}", "agency": "BKD"},
    )
    assert added.status_code == 201 and added.json()["organiser"] is False
    _problem(world.caller("m1").post("/api/v1/people", {"nip": "198203142008012006", "name": "X Y", "email": "x@y.go.id", "agency": "BKD"}), 403, "forbidden")
    prefs = world.caller("m1").post("/api/v1/me/preferences", {"digest": True, "lang": "en"})
    assert prefs.json()["person"]["digest"] is True and prefs.json()["person"]["lang"] == "en"
    reset = k.post(f"/api/v1/people/{world.ids['p1']}/password-reset")
    temporary = reset.json()["temporary_password"]
    _, principal = world.app.accounts.login(f"p1@{MAIL}", temporary)
    assert principal.must_change_password
    changed = world.caller("m2").post(
        "/api/v1/me/password", {"current_password": "sandi-uji-yang-kuat", "new_password": "sandi-baru-m2-kuat"}
    )
    assert changed.status_code == 204
    assert world.caller("m2").get("/api/v1/me").status_code == 401  # every session ended
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        assert conn.execute(select(func.count()).select_from(CredentialRow)).scalar_one() > 10


def test_tokens_act_inside_their_cohort_only_read_only_ones_never_write_revoked_ones_never_work(
    world: World,
) -> None:
    k = world.caller("kA")
    issued = k.post("/api/v1/tokens", {"cohort": COHORT_A, "name": "LMS"})
    assert issued.status_code == 201
    token = issued.json()["token"]
    lms = type(k)(world.anonymous(), None, bearer=token)
    assert lms.get("/api/v1/me").json()["via"] == "token"
    assert lms.get(f"/api/v1/cohorts/{COHORT_A}/board").status_code == 200
    assert lms.post(f"/api/v1/projects/{world.projects['T']}/reopen", {"stage": "diagnosis", "reason": "Salah"}).status_code == 200
    _problem(lms.get(f"/api/v1/cohorts/{COHORT_B}/board"), 403, "forbidden")
    _problem(lms.post("/api/v1/tokens", {"cohort": COHORT_A, "name": "lagi"}), 403, "token_not_allowed")
    read_only = k.post("/api/v1/tokens", {"cohort": COHORT_A, "name": "Dasbor", "read_only": True}).json()
    dashboard = type(k)(world.anonymous(), None, bearer=read_only["token"])
    assert dashboard.get(f"/api/v1/projects/{world.projects['T']}").status_code == 200
    _problem(dashboard.post(f"/api/v1/projects/{world.projects['T']}/withdraw", {"reason": "x"}), 403, "read_only_token")
    assert k.post(f"/api/v1/tokens/{issued.json()['record']['id']}/revoke").json()["revoked_at"]
    _problem(lms.get("/api/v1/me"), 401, "unauthenticated")
    listed = k.get("/api/v1/tokens").json()["items"]
    assert {t["name"] for t in listed} == {"LMS", "Dasbor"} and all("token" not in t for t in listed)


def test_a_file_is_served_only_to_those_who_may_see_the_project_and_never_inline(
    shared_world: World,
) -> None:
    path = f"/api/v1/projects/{shared_world.projects['T']}/files/{shared_world.file_sha}"
    got = shared_world.caller("c1").get(path)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith('attachment; filename="diagnosis p1.pdf"')
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-type"] == "application/octet-stream"
    assert shared_world.caller("p2").get(path).status_code == 403
    assert shared_world.anonymous().get(path).status_code == 401
    other = f"/api/v1/projects/{shared_world.projects['T2']}/files/{'0' * 64}"
    assert shared_world.caller("m1").get(other).status_code == 404


def test_lists_are_paginated_with_a_next_offset(shared_world: World) -> None:
    k = shared_world.caller("kA")
    first = k.get(f"/api/v1/cohorts/{COHORT_A}/board?limit=3").json()
    assert first["total"] == 4 and len(first["items"]) == 3 and first["next_offset"] == 3
    rest = k.get(f"/api/v1/cohorts/{COHORT_A}/board?limit=3&offset=3").json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    ids = [r["project_id"] for r in first["items"] + rest["items"]]
    assert len(set(ids)) == 4
    _problem(k.get("/api/v1/cohorts/UJI-A/board?limit=0"), 422, "invalid_input")
    programmes = k.get("/api/v1/programmes?limit=2&offset=4").json()
    assert programmes["total"] == 5 and len(programmes["items"]) == 1
    assert programmes["next_offset"] is None
    codes = [p["code"] for p in k.get("/api/v1/programmes").json()["items"]]
    assert sorted(codes) == ["PIM3", "PIM4", "PKA", "PKN2", "PKP"]
    days = k.get(f"/api/v1/cohorts/{COHORT_A}/progress?limit=500").json()
    assert days["total"] == len(days["items"]) > 0
    later = k.get(f"/api/v1/cohorts/{COHORT_A}/progress?limit=1&offset=1").json()
    assert later["items"] == days["items"][1:2] and later["total"] == days["total"]


def test_the_board_filters_by_mentor_stage_and_status(shared_world: World) -> None:
    k = shared_world.caller("kA")
    by_mentor = k.get(f"/api/v1/cohorts/{COHORT_A}/board?mentor={shared_world.ids['m1']}").json()
    assert {r["participant"]["email"] for r in by_mentor["items"]} == {f"p{n}@{MAIL}" for n in (1, 3, 4)}
    by_stage = k.get(f"/api/v1/cohorts/{COHORT_A}/board?stage=taking_ownership").json()
    assert [r["project_id"] for r in by_stage["items"]] == [shared_world.projects["T"]]
    by_status = k.get(f"/api/v1/cohorts/{COHORT_A}/board?status=late").json()
    assert by_status["items"] == [] and by_status["counts"] == {}


def test_an_unexpected_error_is_a_500_problem_without_a_trace(shared_world: World) -> None:
    queries = shared_world.app.queries
    original = queries.board

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internals /etc/passwd")

    signed_in = shared_world.caller("kA")
    client = TestClient(shared_world.web, raise_server_exceptions=False)
    client.cookies = signed_in.client.cookies
    queries.board = broken  # type: ignore[method-assign,assignment]
    try:
        response = client.get(f"/api/v1/cohorts/{COHORT_A}/board")
    finally:
        queries.board = original  # type: ignore[method-assign]
    body = _problem(response, 500, "internal_error")
    assert "secret internals" not in response.text and "RuntimeError" not in response.text
    assert body["detail"]


def test_the_audit_log_records_each_api_command_once(world: World) -> None:
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        before = conn.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    world.caller("m1").post(f"/api/v1/projects/{world.projects['T2']}/approve", {})
    with world.app.database.connect() as conn:
        after = conn.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    assert after == before + 1


def test_dates_outside_what_a_calendar_can_count_are_refused_not_crashed_on(world: World) -> None:
    k = world.caller("kA")
    cohort = {"code": "UJI-Z", "name": "Angkatan uji Z", "programme": "PKA", "organiser": "BPSDM",
              "timezone": "WIB", "start_date": "9999-12-31"}
    _problem(k.post("/api/v1/cohorts", cohort), 422, "invalid_input")
    far = world.caller("p1").post(
        f"/api/v1/projects/{world.projects['T']}/extensions",
        {"new_due_date": "2099-12-31", "reason": "Lama sekali"},
    )
    assert "at most" in str(_problem(far, 422, "invalid_input")["messages"])
