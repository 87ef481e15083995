"""The server-rendered pages: Bahasa Indonesia by default with an English switch, the board's
filters and chart, the project page's forms and file limits, the inbox, escalations and dead
letters, extensions, members and tokens — each form going through the same engine."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from adapters.db.orm import AuditRow, OutboxRow
from tests.web.world import COHORT_A, PDF, Caller, World

CSP = "default-src 'self'"
_submissions = (
    select(func.count()).select_from(AuditRow).where(AuditRow.action == "stage.submitted")
)
"""How many submissions are stored (each is its audit entry)."""


def _form(caller: Caller, path: str, data: dict[str, object], files: object = None) -> object:
    """Send a page form with the session's CSRF token; return the redirect."""
    payload = {"csrf_token": caller.csrf, **data}
    return caller.client.post(path, data=payload, files=files, follow_redirects=False)


def _flash(caller: Caller, answer: object) -> str:
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    page = caller.client.get(answer.headers["location"])  # type: ignore[attr-defined]
    found = re.search(r'class="flash flash-(?:ok|error)"[^>]*>([^<]+)<', page.text)
    assert found is not None, page.text[:2000]
    return found.group(1)


def test_pages_are_in_bahasa_indonesia_by_default_and_switch_to_english(shared_world: World) -> None:
    kA = shared_world.caller("kA")
    board = kA.get(f"/cohorts/{COHORT_A}", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="id"' in board.text and "Peserta" in board.text and "Papan" in board.text
    switched = kA.client.get(f"/lang/en?next=/cohorts/{COHORT_A}", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == f"/cohorts/{COHORT_A}"
    english = kA.get(f"/cohorts/{COHORT_A}")
    assert 'lang="en"' in english.text and "Participant" in english.text and "Cohort board" in english.text
    kA.client.get("/lang/id")
    assert "Peserta" in kA.get(f"/cohorts/{COHORT_A}").text


def test_the_language_switch_never_sends_you_to_another_site(shared_world: World) -> None:
    client = shared_world.anonymous()
    for target in ("//evil.example/", "https://evil.example/", "/%0d%0aSet-Cookie:x"):
        answer = client.get(f"/lang/en?next={target}", follow_redirects=False)
        assert answer.headers["location"] in ("/", target) and "evil" not in answer.headers["location"]


def test_every_page_is_phone_ready_and_locked_down(shared_world: World) -> None:
    page = shared_world.caller("kA").get("/")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"].startswith(CSP)
    css = shared_world.anonymous().get("/static/patok.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media (min-width: 720px)" in css.text


def test_the_board_shows_every_participant_and_filters_by_mentor_stage_and_status(
    shared_world: World,
) -> None:
    kA = shared_world.caller("kA")
    page = kA.get(f"/cohorts/{COHORT_A}").text
    rows = re.findall(r'<tr data-project="(\d+)" data-status="(\w+)"', page)
    assert {int(p) for p, _ in rows} == {shared_world.projects[k] for k in ("T", "T2", "T3", "p2")}
    assert 'name="group"' not in page  # no groups in this cohort yet: no group filter
    for facet in ("mentor", "stage", "status"):
        assert f'name="{facet}"' in page
    by_mentor = kA.get(f"/cohorts/{COHORT_A}?mentor={shared_world.ids['m2']}").text
    assert re.findall(r'<tr data-project="(\d+)"', by_mentor) == [str(shared_world.projects["p2"])]
    by_stage = kA.get(f"/cohorts/{COHORT_A}?stage=taking_ownership").text
    assert re.findall(r'<tr data-project="(\d+)"', by_stage) == [str(shared_world.projects["T"])]
    assert 'href="http://127.0.0.1:4200/runs?tags=cohort%3AUJI-A"' in page
    assert '<img class="chart" src="/cohorts/UJI-A/chart.svg"' in page


def test_the_progress_chart_is_an_svg_drawn_on_the_server(shared_world: World) -> None:
    chart = shared_world.caller("xA").get(f"/cohorts/{COHORT_A}/chart.svg")
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert "<svg" in chart.text and "tahap disetujui (kumulatif)" in chart.text
    assert shared_world.caller("m1").get(f"/cohorts/{COHORT_A}/chart.svg").status_code == 403


def test_a_page_someone_may_not_see_is_a_403_page_in_their_language(shared_world: World) -> None:
    refused = shared_world.caller("p2").get(f"/projects/{shared_world.projects['T']}")
    assert refused.status_code == 403 and "tidak berwenang" in refused.text
    assert "Traceback" not in refused.text
    missing = shared_world.caller("p2").get("/projects/999999")
    assert missing.status_code == 404 and "tidak ditemukan" in missing.text


def test_the_participant_submits_on_the_project_page_with_the_programmes_file_limits(
    world: World,
) -> None:
    p1 = world.caller("p1")
    t = world.projects["T"]
    page = p1.get(f"/projects/{t}").text
    assert 'name="file__kesepakatan_area_perubahan"' in page
    assert 'accept="application/pdf,image/png,image/jpeg"' in page
    assert "maks. 20 MB" in page
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version is not None
    lying = _form(
        p1,
        f"/projects/{t}/submit",
        {"kinds": "kesepakatan_area_perubahan", "expected_version": version.group(1)},
        files={"file__kesepakatan_area_perubahan": ("scan.png", PDF, "image/png")},
    )
    assert "bukan image/png" in _flash(p1, lying)
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        before = conn.execute(_submissions).scalar_one()
    sent = _form(
        p1,
        f"/projects/{t}/submit",
        {"kinds": "kesepakatan_area_perubahan", "note": "KAP", "expected_version": version.group(1)},
        files={"file__kesepakatan_area_perubahan": ("KAP ditandatangani.pdf", PDF, "application/pdf")},
    )
    assert _flash(p1, sent) == "Tahap diajukan."
    with world.app.database.connect() as conn:
        assert conn.execute(_submissions).scalar_one() == before + 1
    after = p1.get(f"/projects/{t}").text
    assert "KAP ditandatangani.pdf" in after and 'data-state="taking_ownership.submitted"' in after
    download = re.search(r'href="(/projects/\d+/files/[0-9a-f]{64})"', after)
    assert download is not None
    assert p1.client.get(download.group(1)).content == PDF
    assert world.caller("p2").client.get(download.group(1)).status_code == 403


def test_the_mentor_decides_from_the_inbox_with_a_comment_on_the_same_screen(world: World) -> None:
    m1 = world.caller("m1")
    inbox = m1.get("/inbox").text
    assert f'id="pending-{world.projects["T2"]}"' in inbox and "Minta perbaikan" in inbox
    no_comment = _form(
        m1, f"/projects/{world.projects['T2']}/decide", {"decision": "request_changes", "back": "/inbox"}
    )
    assert _flash(m1, no_comment) == "Permintaan perbaikan wajib disertai komentar"
    decided = _form(
        m1,
        f"/projects/{world.projects['T2']}/decide",
        {"decision": "request_changes", "comment": "Tambahkan data BPS", "back": "/inbox"},
    )
    assert _flash(m1, decided) == "Perbaikan diminta."
    project = world.caller("p3").get(f"/projects/{world.projects['T2']}").text
    assert "Tambahkan data BPS" in project and 'data-state="diagnosis.changes_requested"' in project


def test_the_coordinator_sends_dead_letters_again_and_decides_extensions(world: World) -> None:
    kA = world.caller("kA")
    escalations = kA.get(f"/cohorts/{COHORT_A}/escalations").text
    assert "connection refused" in escalations and 'name="ids"' in escalations
    retried = _form(kA, f"/cohorts/{COHORT_A}/outbox/retry", {"ids": str(world.dead_letter)})
    assert _flash(kA, retried) == "1 pesan masuk antrean lagi."
    assert world.app.database is not None
    with world.app.database.connect() as conn:
        retried_row = select(OutboxRow.status).where(OutboxRow.id == world.dead_letter)
        assert conn.execute(retried_row).scalar_one() == "pending"
    extensions = kA.get(f"/cohorts/{COHORT_A}/extensions").text
    assert f'id="extension-{world.extension}"' in extensions and "Data BPS belum terbit" in extensions
    refused = _form(
        kA, f"/extensions/{world.extension}/decide", {"decision": "refuse", "back": f"/cohorts/{COHORT_A}/extensions"}
    )
    assert _flash(kA, refused) == "Penolakan wajib disertai alasan"
    granted = _form(
        kA, f"/extensions/{world.extension}/decide", {"decision": "grant", "back": f"/cohorts/{COHORT_A}/extensions"}
    )
    assert _flash(kA, granted) == "Perpanjangan disetujui."


def test_the_coordinator_resets_a_members_password_and_sees_it_once(world: World) -> None:
    kA = world.caller("kA")
    members = kA.get(f"/cohorts/{COHORT_A}/members").text
    assert f"/members/{world.ids['p1']}/reset" in members
    shown = _form(kA, f"/cohorts/{COHORT_A}/members/{world.ids['p1']}/reset", {})
    secret = re.search(r'<code class="secret" id="secret">([^<]+)</code>', shown.text)  # type: ignore[attr-defined]
    assert secret is not None
    _, principal = world.app.accounts.login("p1@bpsdm.uji.go.id", secret.group(1))
    assert principal.must_change_password
    assert f"/members/{world.ids['p1']}/reset" not in world.caller("c1").get(f"/cohorts/{COHORT_A}/members").text


def test_the_coordinator_issues_and_revokes_an_api_token_on_the_account_page(world: World) -> None:
    kA = world.caller("kA")
    assert "Token API untuk integrasi" in kA.get("/account").text
    issued = _form(kA, "/account/tokens", {"cohort": COHORT_A, "name": "LMS BPSDM"})
    secret = re.search(r'id="secret">(patok_[^<]+)<', issued.text)  # type: ignore[attr-defined]
    assert secret is not None and world.app.accounts.token(secret.group(1)) is not None
    account = kA.get("/account").text
    token_id = re.search(r"/account/tokens/(\d+)/revoke", account)
    assert token_id is not None and secret.group(1) not in account
    revoked = _form(kA, f"/account/tokens/{token_id.group(1)}/revoke", {})
    assert _flash(kA, revoked) == "Token dicabut."
    assert world.app.accounts.token(secret.group(1)) is None
    assert "Token API untuk integrasi" not in world.caller("m1").get("/account").text


def test_a_person_saves_their_preferences_and_then_reads_their_language(world: World) -> None:
    m1 = world.caller("m1")
    saved = _form(m1, "/account/preferences", {"digest": "true", "message_lang": "en"})
    assert _flash(m1, saved) == "Tersimpan."  # said in the language the form was sent in
    assert 'lang="en"' in m1.get("/account").text  # from now on the person reads English
    with world.app.engine.unit_of_work() as uow:
        person = uow.people.get(world.ids["m1"])
    assert person.digest and person.lang == "en"


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(world: World) -> None:
    answer = world.caller("p1").client.post(
        f"/projects/{world.projects['T']}/submit",
        content=b"x" * 10,
        headers={"Content-Length": str(121 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert answer.status_code == 413 and answer.json()["code"] == "payload_too_large"


def test_the_home_page_sends_a_participant_to_their_project(shared_world: World) -> None:
    home = shared_world.caller("p2").client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == f"/projects/{shared_world.projects['p2']}"
    staff = shared_world.caller("kA").get("/").text
    assert f'href="/cohorts/{COHORT_A}"' in staff
    anonymous = shared_world.anonymous().get("/", follow_redirects=False)
    assert anonymous.headers["location"] == "/login?next=/"


def test_the_mentors_inbox_also_lists_the_extension_requests_they_may_decide(world: World) -> None:
    inbox = world.caller("m1").get("/inbox").text
    assert f'id="extension-{world.extension}"' in inbox and "Data BPS belum terbit" in inbox
    assert f'id="extension-{world.extension}"' not in world.caller("m2").get("/inbox").text
    granted = _form(
        world.caller("m1"), f"/extensions/{world.extension}/decide", {"decision": "grant", "back": "/inbox"}
    )
    assert _flash(world.caller("m1"), granted) == "Perpanjangan disetujui."
    assert f'id="extension-{world.extension}"' not in world.caller("m1").get("/inbox").text


def test_a_malformed_address_is_an_error_page_naming_the_field(shared_world: World) -> None:
    for address in ("/projects/bukan-angka", "/projects/99999999999999999999999"):
        page = shared_world.caller("kA").get(address)
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        assert "project_id" in page.text and '{"type"' not in page.text
