"""No codes where people read words: the project page names its state and its timeline's facts
in the page's language, escalations name their recipients in words, an unknown address is "not
found" in the request's language, and a request the API cannot validate is explained in Bahasa
Indonesia (English alongside; pydantic's English only for an error type without a translation)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from adapters.web.problems import invalid_fields
from tests.web.world import COHORT_A, World

CODES = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z_]+\.[a-z_]+\b")
"""What a code looks like in running text: ``taking_ownership``, ``agency_head``, ``stage.approved``."""


def _visible(page: str, element_id: str | None = None) -> str:
    """The words a person sees (in one element, by id): tags, attributes and scripts dropped."""
    if element_id is not None:
        found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
        assert found is not None, f"no #{element_id}"
        page = found.group(2)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def test_the_project_page_names_its_state_and_timeline_in_indonesian_and_english(
    shared_world: World,
) -> None:
    kA, t = shared_world.caller("kA"), shared_world.projects["T"]
    page = kA.get(f"/projects/{t}").text
    assert _visible(page, "project-state") == "Taking ownership — penyusunan"
    timeline = _visible(page, "timeline")
    for fact in ("tahap: Diagnosis", "pengajuan: #1", "komentar: Bagus", "tenggat: 10-03-2026 23:59 WIT"):
        assert fact in timeline
    for raw in ("stage:", "submission:", "comment:", "due_at:", "event."):
        assert raw not in timeline
    words = re.sub(r"\S+@\S+", "", _visible(page.split("<main>", 1)[1]))
    assert not CODES.findall(words), CODES.findall(words)
    english = shared_world.anonymous()
    english.cookies.update(kA.client.cookies)
    english.cookies.set("patok_lang", "en")
    page_en = english.get(f"/projects/{t}").text
    assert _visible(page_en, "project-state") == "Taking ownership — drafting"
    timeline_en = _visible(page_en, "timeline")
    assert "stage: Diagnosis" in timeline_en and "comment: Bagus" in timeline_en
    assert "Approved — M1 Uji Patok" in timeline_en and "tahap:" not in timeline_en


def test_escalations_name_their_recipients_in_words_on_the_escalations_and_project_pages(
    world: World,
) -> None:
    world.clock.set(datetime(2026, 3, 20, 0, 0, tzinfo=UTC))
    raised = world.app.sweeper.sweep()
    assert {r.notify for r in raised.raised} >= {"coach", "coordinator", "agency_head"}
    kA = world.caller("kA")
    table = _visible(kA.get(f"/cohorts/{COHORT_A}/escalations").text, "escalations")
    for words in ("coach (widyaiswara)", "koordinator angkatan", "kepala instansi penyelenggara"):
        assert words in table
    assert "agency_head" not in table and not CODES.findall(table)
    alerts = _visible(kA.get(f"/projects/{world.projects['p2']}").text, "alerts")
    assert "eskalasi · peserta · Tingkat 3 → kepala instansi penyelenggara" in alerts
    assert not CODES.findall(alerts)
    kA.client.get("/lang/en")
    english = _visible(kA.get(f"/projects/{world.projects['p2']}").text, "alerts")
    assert "escalation · participant · Level 3 → head of the organising agency" in english


def test_an_unknown_address_is_not_found_in_the_requests_language(shared_world: World) -> None:
    page = shared_world.caller("kA").get("/tidak-ada")
    assert page.status_code == 404 and "Alamat /tidak-ada tidak ditemukan" in _visible(page.text)
    assert "Not Found" not in page.text
    english = shared_world.anonymous()
    english.cookies.set("patok_lang", "en")
    page_en = english.get("/tidak-ada")
    assert page_en.status_code == 404 and "Nothing is found at /tidak-ada" in _visible(page_en.text)
    api = shared_world.caller("kA")
    problem = api.get("/api/v1/tidak-ada").json()
    assert problem["code"] == "not_found" and problem["detail"] == "Alamat /api/v1/tidak-ada tidak ditemukan"
    assert problem["messages"]["en"] == "Nothing is found at /api/v1/tidak-ada"
    problem_en = api.get("/api/v1/tidak-ada", headers={"Accept-Language": "en"}).json()
    assert problem_en["detail"] == "Nothing is found at /api/v1/tidak-ada" and problem_en["title"] == "Not found"
    wrong_method = api.get("/api/v1/sweep")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"] == "Metode GET tidak diizinkan untuk /api/v1/sweep"


def test_a_request_the_api_cannot_validate_is_explained_in_indonesian_with_english_alongside(
    shared_world: World,
) -> None:
    kA = shared_world.caller("kA")
    before = shared_world.snapshot()
    refused = kA.post(
        "/api/v1/cohorts",
        {"code": "!", "organiser": "B", "timezone": "WIT", "start_date": "kemarin", "warna": 1},
    )
    assert refused.status_code == 422 and shared_world.snapshot() == before
    body = refused.json()
    detail = body["detail"]
    for said in (
        "code: tidak sesuai pola ^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
        "name: wajib diisi",
        "organiser: minimal 2 karakter",
        "start_date: harus berupa tanggal (YYYY-MM-DD)",
        "warna: tidak dikenal; hapus bidang ini",
    ):
        assert said in detail
    for english in ("Field required", "String should", "Input should", "Extra inputs"):
        assert english not in detail
    assert "Field required" in body["messages"]["en"]
    assert "String should match pattern" in body["messages"]["en"]
    fields = {f["field"]: f for f in body["details"]["fields"]}
    assert fields["name"] == {"field": "name", "message": "Field required", "message_id": "wajib diisi"}
    in_english = kA.post("/api/v1/cohorts", {"code": "!"}, headers={"Accept-Language": "en"}).json()
    assert in_english["detail"].startswith("Invalid input — code: String should match pattern")
    page = kA.get("/projects/bukan-angka")
    assert page.status_code == 422 and "project_id: harus berupa bilangan bulat" in _visible(page.text)


def _odd(value: str) -> str:
    if value == "unmapped":
        raise PydanticCustomError("patok_probe", "an unmapped reason")
    if value == "own":
        raise PydanticCustomError(
            "patok_probe", "{message}", {"message": "its own reason", "message_id": "alasannya sendiri"}
        )
    return value


class _Probe(BaseModel):
    value: Annotated[str, AfterValidator(_odd)]


def _fields(value: Any) -> list[dict[str, str]]:
    try:
        _Probe(value=value)
    except ValidationError as error:
        return invalid_fields(error)
    raise AssertionError("accepted")


def test_an_error_type_without_a_translation_keeps_pydantics_english_and_its_own_words_win() -> None:
    assert _fields("unmapped") == [
        {"field": "value", "message": "an unmapped reason", "message_id": "an unmapped reason"}
    ]
    assert _fields("own")[0]["message_id"] == "alasannya sendiri"
    assert _fields(5)[0]["message_id"] == "harus berupa teks"
