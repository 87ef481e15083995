"""``Idempotency-Key`` on POST: the same request is answered once and replayed, a different one is
refused, and the keys live in the database so a second API process honours them too."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from adapters.bootstrap import bootstrap
from adapters.db.orm import AuditRow, IdempotencyKeyRow
from adapters.web.app import create_app
from adapters.web.auth import SESSION_COOKIE
from adapters.web.idempotency import IdempotencyStore, key_space
from tests.web.world import Caller, World


def _audit(world: World) -> int:
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def test_the_same_post_with_the_same_key_is_applied_once_and_its_answer_replayed(
    world: World,
) -> None:
    m1 = world.caller("m1")
    path = f"/api/v1/projects/{world.projects['T2']}/approve"
    before = _audit(world)
    first = m1.post(path, {"comment": "Setuju"}, headers={"Idempotency-Key": "approve-T2-1"})
    again = m1.post(path, {"comment": "Setuju"}, headers={"Idempotency-Key": "approve-T2-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _audit(world) == before + 1
    without_key = m1.post(path, {"comment": "Setuju"})
    assert without_key.status_code == 409  # the project has moved on: nothing twice


def test_the_same_key_with_a_different_body_is_refused_and_runs_nothing(world: World) -> None:
    m1 = world.caller("m1")
    path = f"/api/v1/projects/{world.projects['T2']}/request-changes"
    m1.post(path, {"comment": "Lengkapi data"}, headers={"Idempotency-Key": "k-1"})
    before = world.snapshot()
    other = m1.post(path, {"comment": "Lain"}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_mismatch"
    assert world.snapshot() == before


def test_a_key_is_honoured_by_another_api_process_on_the_same_database(world: World) -> None:
    """Two apps, each with its own engine and connection pool, as two processes behind a load
    balancer would be; the second replays what the first answered."""
    second = bootstrap(world.app.settings, clock=world.clock, migrate=False)
    try:
        other_process = TestClient(create_app(second))
        m1 = world.caller("m1")
        other_process.cookies.set(SESSION_COOKIE, m1.client.cookies[SESSION_COOKIE])
        other = Caller(other_process, m1.csrf)
        path = f"/api/v1/projects/{world.projects['T2']}/approve"
        first = m1.post(path, {}, headers={"Idempotency-Key": "lb-1"})
        replayed = other.post(path, {}, headers={"Idempotency-Key": "lb-1"})
        assert first.status_code == 200
        assert replayed.json() == first.json()
        assert replayed.headers["idempotent-replayed"] == "true"
    finally:
        second.close()


def test_a_key_still_being_processed_elsewhere_gets_a_409_to_retry_later(world: World) -> None:
    assert world.app.database is not None
    m1 = world.caller("m1")
    path = f"/api/v1/projects/{world.projects['T2']}/approve"
    store = IdempotencyStore(world.app.database, world.clock.now)
    cookie = f"{SESSION_COOKIE}={m1.client.cookies[SESSION_COOKIE]}".encode()
    signed_in = world.web.state.web.auth.resolve(
        Request({"type": "http", "headers": [(b"cookie", cookie)]})
    )
    principal = key_space(signed_in)
    assert store.claim(principal, "busy-1", "another process's request").outcome == "new"
    busy = m1.post(path, {}, headers={"Idempotency-Key": "busy-1"})
    assert busy.status_code == 422  # a different request under that key
    assert store.claim(principal, "busy-2", "x").outcome == "new"
    world.clock.advance(timedelta(seconds=1))
    assert store.claim(principal, "busy-2", "x").outcome == "busy"
    world.clock.advance(timedelta(seconds=120))  # the first process died: its lease ran out
    assert store.claim(principal, "busy-2", "x").outcome == "new"


def test_keys_belong_to_one_credential_so_nobody_reads_another_clients_answer(
    world: World,
) -> None:
    path = f"/api/v1/projects/{world.projects['T']}/extensions"
    body = {"new_due_date": "2026-03-31", "reason": "Data"}
    mine = world.caller("p1").post(path, body, headers={"Idempotency-Key": "shared-key"})
    theirs = world.caller("p2").post(path, body, headers={"Idempotency-Key": "shared-key"})
    assert mine.status_code == 201
    assert theirs.status_code == 403 and "idempotent-replayed" not in theirs.headers


def test_a_server_error_is_not_stored_so_the_same_key_can_be_retried(world: World) -> None:
    engine = world.app.engine
    original = engine.approve
    calls = {"n": 0}

    def flaky(cmd: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return original(cmd)  # type: ignore[arg-type]

    engine.approve = flaky  # type: ignore[method-assign,assignment]
    m1 = world.caller("m1")
    client = TestClient(world.web, raise_server_exceptions=False)
    client.cookies = m1.client.cookies
    caller = Caller(client, m1.csrf)
    path = f"/api/v1/projects/{world.projects['T2']}/approve"
    try:
        failed = caller.post(path, {}, headers={"Idempotency-Key": "retry-1"})
        retried = caller.post(path, {}, headers={"Idempotency-Key": "retry-1"})
    finally:
        engine.approve = original  # type: ignore[method-assign]
    assert failed.status_code == 500
    assert retried.status_code == 200 and "idempotent-replayed" not in retried.headers


def test_keys_are_kept_a_day_then_forgotten(world: World) -> None:
    token = world.caller("kA").post("/api/v1/tokens", {"cohort": "UJI-A", "name": "LMS"})
    lms = Caller(world.anonymous(), None, bearer=token.json()["token"])
    path = f"/api/v1/projects/{world.projects['p2']}/withdraw"
    assert lms.post(path, {"reason": "Mutasi"}, headers={"Idempotency-Key": "old"}).status_code == 200
    world.clock.advance(timedelta(hours=25))
    late = lms.post(path, {"reason": "Mutasi"}, headers={"Idempotency-Key": "old"})
    assert late.status_code == 409  # run again, and refused by the engine: nothing twice
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(IdempotencyKeyRow)).scalar_one()
    assert rows == 1  # the expired key was replaced by the new attempt


def test_an_unusable_key_is_refused(world: World) -> None:
    response = world.caller("m1").post(
        f"/api/v1/projects/{world.projects['T2']}/approve", {}, headers={"Idempotency-Key": "x" * 201}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def _stored_answers(world: World) -> list[bytes]:
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        return [bytes(b or b"") for b in conn.execute(select(IdempotencyKeyRow.body)).scalars()]


def test_a_new_token_secret_is_never_kept_for_replay_and_a_replay_issues_no_second_token(
    world: World,
) -> None:
    kA = world.caller("kA")
    body = {"cohort": "UJI-A", "name": "LMS"}
    first = kA.post("/api/v1/tokens", body, headers={"Idempotency-Key": "token-1"})
    assert first.status_code == 201 and first.headers["cache-control"] == "no-store"
    secret = first.json()["token"]
    assert all(secret.encode() not in stored for stored in _stored_answers(world))
    before = world.snapshot()
    again = kA.post("/api/v1/tokens", body, headers={"Idempotency-Key": "token-1"})
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_not_replayable"
    assert secret not in again.text
    assert world.snapshot() == before


def test_a_temporary_password_is_never_kept_for_replay_from_the_api_or_the_page(
    world: World,
) -> None:
    kA = world.caller("kA")
    path = f"/api/v1/people/{world.ids['p1']}/password-reset"
    first = kA.post(path, headers={"Idempotency-Key": "reset-1"})
    assert first.status_code == 200
    temporary = first.json()["temporary_password"]
    again = kA.post(path, headers={"Idempotency-Key": "reset-1"})
    assert again.status_code == 409 and again.json()["code"] == "idempotency_not_replayable"
    page = kA.client.post(
        f"/cohorts/UJI-A/members/{world.ids['p2']}/reset",
        data={"csrf_token": kA.csrf},
        headers={"Idempotency-Key": "reset-page-1"},
    )
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert 'id="secret"' in page.text  # the page shows it, once, and is never cached
    stored = _stored_answers(world)
    assert stored == [b""]  # the API's answer, withheld; page forms are not kept at all
    assert all(temporary.encode() not in s for s in stored)


def test_a_replay_after_logout_is_refused_as_unauthenticated_not_answered(world: World) -> None:
    m1 = world.caller("m1")
    path = f"/api/v1/projects/{world.projects['T2']}/approve"
    assert m1.post(path, {}, headers={"Idempotency-Key": "late-1"}).status_code == 200
    logged_out = m1.client.post("/logout", data={"csrf_token": m1.csrf}, follow_redirects=False)
    assert logged_out.status_code == 303
    cookie = world.callers["m1"].client.cookies
    replay = TestClient(world.web)
    for name, value in cookie.items():
        replay.cookies.set(name, value)
    stolen = Caller(replay, m1.csrf).post(path, {}, headers={"Idempotency-Key": "late-1"})
    assert stolen.status_code == 401 and "idempotent-replayed" not in stolen.headers


def test_a_replay_without_the_sessions_csrf_token_is_refused_not_answered(world: World) -> None:
    m1 = world.caller("m1")
    path = f"/api/v1/projects/{world.projects['T2']}/approve"
    assert m1.post(path, {}, headers={"Idempotency-Key": "csrf-1"}).status_code == 200
    forged = m1.client.post(
        path, json={}, headers={"Idempotency-Key": "csrf-1", "X-CSRF-Token": "forged"}
    )
    assert forged.status_code == 403 and forged.json()["code"] == "csrf_failed"
    assert "idempotent-replayed" not in forged.headers


def test_a_replay_with_a_revoked_token_is_refused_not_answered(world: World) -> None:
    issued = world.caller("kA").post("/api/v1/tokens", {"cohort": "UJI-A", "name": "LMS"})
    lms = Caller(world.anonymous(), None, bearer=issued.json()["token"])
    path = f"/api/v1/projects/{world.projects['p2']}/withdraw"
    assert lms.post(path, {"reason": "Mutasi"}, headers={"Idempotency-Key": "w-1"}).status_code == 200
    token_id = issued.json()["record"]["id"]
    assert world.caller("kA").post(f"/api/v1/tokens/{token_id}/revoke").status_code == 200
    replay = lms.post(path, {"reason": "Mutasi"}, headers={"Idempotency-Key": "w-1"})
    assert replay.status_code == 401 and "idempotent-replayed" not in replay.headers


def test_page_forms_are_outside_the_idempotency_layer_and_keep_nothing(world: World) -> None:
    """Keys are an API feature: a page form sent with one runs as any form does (the engine
    refuses the repeat, the project having moved on) and nothing is stored under the key."""
    m1 = world.caller("m1")
    before = _audit(world)
    form = {"csrf_token": m1.csrf, "decision": "approve", "comment": "Setuju"}
    path = f"/projects/{world.projects['T2']}/decide"
    key = {"Idempotency-Key": "page-1"}
    first = m1.client.post(path, data=form, headers=key, follow_redirects=False)
    again = m1.client.post(path, data=form, headers=key, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert "idempotent-replayed" not in again.headers and again.headers["location"]
    assert _audit(world) == before + 1
    assert _stored_answers(world) == []


def test_a_repeated_authorization_header_cannot_reach_another_tokens_keys(world: World) -> None:
    """The key space is the credential the app acts for, not a header's bytes: a caller sending
    their own token and, again, someone else's revoked one gets no answer stored for the other."""
    kA = world.caller("kA")
    victim = kA.post("/api/v1/tokens", {"cohort": "UJI-A", "name": "LMS lama"}).json()
    attacker = kA.post("/api/v1/tokens", {"cohort": "UJI-A", "name": "Lain"}).json()
    path = f"/api/v1/projects/{world.projects['p2']}/withdraw"
    body = {"reason": "Mutasi"}
    lms = Caller(world.anonymous(), None, bearer=victim["token"])
    assert lms.post(path, body, headers={"Idempotency-Key": "dup-1"}).status_code == 200
    assert kA.post(f"/api/v1/tokens/{victim['record']['id']}/revoke").status_code == 200
    for order in ((attacker, victim), (victim, attacker)):
        answer = world.anonymous().post(
            path,
            json=body,
            headers=[
                ("Authorization", f"Bearer {order[0]['token']}"),
                ("Authorization", f"Bearer {order[1]['token']}"),
                ("Idempotency-Key", "dup-1"),
            ],
        )
        assert "idempotent-replayed" not in answer.headers, answer.text


def test_a_new_session_never_inherits_the_keys_of_a_purged_one_with_the_same_id(
    world: World,
) -> None:
    """SQLite gives a purged session's id to the next one; the key space also holds the session's
    own random token, so the newcomer's request runs as its own."""
    prefs = {"digest": True, "lang": "en"}
    first = world.caller("m1").post("/api/v1/me/preferences", prefs, headers={"Idempotency-Key": "same-key"})
    assert first.status_code == 200
    world.clock.advance(timedelta(hours=13))  # m1's session is past its lifetime: purged at a login
    second = world.caller("m2").post("/api/v1/me/preferences", prefs, headers={"Idempotency-Key": "same-key"})
    assert second.status_code == 200 and "idempotent-replayed" not in second.headers
    assert second.json()["person"]["id"] == world.ids["m2"] != first.json()["person"]["id"]


def test_a_redirect_is_not_kept_so_its_replay_is_not_a_redirect_to_nowhere(world: World) -> None:
    m1 = world.caller("m1")
    for _ in range(2):
        moved = m1.post(
            "/api/v1/me/preferences/",
            {"digest": True},
            headers={"Idempotency-Key": "slash-1"},
            follow_redirects=False,
        )
        assert moved.status_code == 307 and moved.headers["location"].endswith("/me/preferences")
        assert "idempotent-replayed" not in moved.headers
    assert _stored_answers(world) == []
