"""Signing in over HTTP: the login form, CSRF on every form and on cookie-authenticated API
writes, session expiry and logout that are real on the server, failed logins slowed down in the
database, and temporary passwords that must be changed first."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from adapters.bootstrap import bootstrap
from adapters.web.app import create_app
from adapters.web.auth import LOGIN_COOKIE, SESSION_COOKIE
from tests.web.world import MAIL, PASSWORD, World

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_login(client: TestClient, nick: str, password: str = PASSWORD, back: str = "/") -> httpx.Response:
    """Open the login page and send its form."""
    page = client.get("/login")
    token = FORM_TOKEN.search(page.text)
    assert token is not None
    response: httpx.Response = client.post(
        "/login",
        data={"login": f"{nick}@{MAIL}", "password": password, "form_token": token.group(1), "next": back},
        follow_redirects=False,
    )
    return response


def test_the_login_form_opens_a_session_in_a_signed_httponly_cookie(world: World) -> None:
    client = world.anonymous()
    answer = form_login(client, "kA", back="/cohorts/UJI-A")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/cohorts/UJI-A"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    value = client.cookies[SESSION_COOKIE]
    assert "." in value  # the secret and its signature
    board = client.get("/cohorts/UJI-A")
    assert board.status_code == 200 and "Peserta" in board.text


def test_a_login_form_without_its_token_or_with_a_forged_one_is_refused(world: World) -> None:
    client = world.anonymous()
    client.get("/login")
    for token in ("", "forged.token", client.cookies[LOGIN_COOKIE] + "x"):
        refused = client.post(
            "/login",
            data={"login": f"kA@{MAIL}", "password": PASSWORD, "form_token": token},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert SESSION_COOKIE not in client.cookies


def test_a_wrong_password_shows_the_form_again_with_a_401(world: World) -> None:
    answer = form_login(world.anonymous(), "kA", "bukan-sandinya-x")
    assert answer.status_code == 401
    assert "NIP/e-mail atau kata sandi salah" in answer.text


def test_a_forged_session_cookie_is_nobody(world: World) -> None:
    client = world.anonymous()
    client.cookies.set(SESSION_COOKIE, "bukan-rahasia.tanda-palsu")
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/cohorts/UJI-A", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/cohorts/UJI-A"


def test_every_form_needs_the_sessions_csrf_token(world: World) -> None:
    m1 = world.caller("m1")
    path = f"/projects/{world.projects['T2']}/decide"
    before = world.snapshot()
    for token in (None, "salah"):
        data = {"decision": "approve", "comment": "ok"}
        if token is not None:
            data["csrf_token"] = token
        refused = m1.client.post(path, data=data, follow_redirects=False)
        assert refused.status_code == 403 and "Token formulir" in refused.text
    assert world.snapshot() == before
    accepted = m1.client.post(
        path, data={"decision": "approve", "csrf_token": m1.csrf}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert world.snapshot() != before


def test_a_cookie_authenticated_api_write_needs_the_csrf_header(world: World) -> None:
    m1 = world.caller("m1")
    path = f"/api/v1/projects/{world.projects['T2']}/approve"
    refused = m1.client.post(path, json={})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert m1.client.post(path, json={}, headers={"X-CSRF-Token": "x" * 43}).status_code == 403
    assert m1.post(path, {}).status_code == 200


def test_an_idle_session_expires_on_the_server(world: World) -> None:
    p1 = world.caller("p1")
    assert p1.get("/api/v1/me").status_code == 200
    world.clock.advance(timedelta(minutes=61))
    assert p1.get("/api/v1/me").status_code == 401
    page = p1.client.get(f"/projects/{world.projects['T']}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=/projects/")


def test_a_session_in_use_still_ends_after_its_lifetime(world: World) -> None:
    p1 = world.caller("p1")
    for _ in range(11 * 2):  # a request every half hour for eleven hours
        world.clock.advance(timedelta(minutes=30))
        assert p1.get("/api/v1/me").status_code == 200
    world.clock.advance(timedelta(minutes=61))
    assert p1.get("/api/v1/me").status_code == 401


def test_logout_ends_the_session_so_a_copied_cookie_is_worthless(world: World) -> None:
    p1 = world.caller("p1")
    copied = p1.client.cookies[SESSION_COOKIE]
    out = p1.client.post("/logout", data={"csrf_token": p1.csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    thief = world.anonymous()
    thief.cookies.set(SESSION_COOKIE, copied)
    assert thief.get("/api/v1/me").status_code == 401


def test_failed_logins_slow_down_the_next_attempt_in_every_process(world: World) -> None:
    for _ in range(3):
        assert form_login(world.anonymous(), "kA", "salah-salah-salah").status_code == 401
    slowed = form_login(world.anonymous(), "kA")  # the right password, too soon
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "2"
    assert "Terlalu banyak percobaan" in slowed.text
    second = bootstrap(world.app.settings, clock=world.clock, migrate=False)
    try:
        other_process = TestClient(create_app(second))
        assert form_login(other_process, "kA").status_code == 429
    finally:
        second.close()
    world.clock.advance(timedelta(seconds=2))
    assert form_login(world.anonymous(), "kA").status_code == 303


def test_a_temporary_password_must_be_changed_before_anything_else(world: World) -> None:
    reset = world.caller("kA").post(f"/api/v1/people/{world.ids['p1']}/password-reset")
    temporary = reset.json()["temporary_password"]
    client = world.anonymous()
    login = form_login(client, "p1", temporary)
    assert login.headers["location"] == "/account/password"
    elsewhere = client.get(f"/projects/{world.projects['T']}", follow_redirects=False)
    assert elsewhere.headers["location"] == "/account/password"
    assert client.get("/api/v1/projects").json()["code"] == "password_change_required"
    page = client.get("/account/password")
    csrf = CSRF.search(page.text)
    assert csrf is not None and "sementara" in page.text
    changed = client.post(
        "/account/password",
        data={"csrf_token": csrf.group(1), "current_password": temporary, "new_password": "sandi-baru-p1-kuat"},
        follow_redirects=False,
    )
    assert changed.headers["location"] == "/login"
    again = world.anonymous()
    assert form_login(again, "p1", "sandi-baru-p1-kuat").headers["location"] == "/"
    assert again.get(f"/projects/{world.projects['T']}").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_to_another_site(world: World, target: str) -> None:
    answer = form_login(world.anonymous(), "kA", back=target)
    assert answer.headers["location"] == "/"
