"""The cohort's benchmarking page (``/cohorts/{code}/benchmarking``): the coordinator records host
partners, forms and changes groups, plans visits with their agenda and imports plan files in
browser forms, and the board shows each participant's group, visit and content; coaches and
examiners read it; bad input (a plan file with errors, a group with no members) is shown with
every problem and stores nothing; someone who may not plan gets 403.

The worlds are those of ``tests/web/world.py`` (on SQLite and PostgreSQL).
"""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import func, select

from adapters.db.orm import (
    AgendaItemRow,
    CompanionRow,
    GroupMemberRow,
    GroupRow,
    HostPartnerRow,
    VisitParticipantRow,
    VisitRow,
)
from tests.web.world import COHORT_A, MAIL, Caller, World

PAGE = f"/cohorts/{COHORT_A}/benchmarking"
PLAN_YAML = """\
hosts:
  - code: bgr-bapenda
    agency: Pemerintah Kota Bogor
    unit: Bapenda
    city: Kota Bogor
    timezone: WIB
    reasons: [Pajak daerah daring]
groups:
  - code: II
    theme: Pendapatan asli daerah
    members: [p4@{mail}]
    hosts: [bgr-bapenda]
visits:
  - code: BGR
    host: Pemerintah Kota Bogor
    city: Kota Bogor
    from: 2026-05-04
    to: 2026-05-05
    groups: [II]
    companions: [c1@{mail}]
    agenda:
      - date: 2026-05-04
        start: "09:00"
        end: "12:00"
        host: bgr-bapenda
        group: II
        topic: Paparan PAD daring
"""
BAD_YAML = """\
groups:
  - code: III
    theme: Tanpa anggota
visits:
  - code: X1
    from: 2026-05-04
    to: 2026-05-03
    groups: [I]
    agenda:
      - date: 2026-05-04
        host: tidak-ada
        topic: Paparan
"""


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


def _planned(world: World) -> tuple[int, ...]:
    """How many planning rows are stored."""
    assert world.app.database is not None
    tables = (HostPartnerRow, GroupRow, GroupMemberRow, VisitRow, AgendaItemRow)
    with world.app.database.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (*tables, VisitParticipantRow, CompanionRow)
        )


def _nip(world: World, nick: str) -> str:
    return world.app.engine.resolve_actor(f"{nick}@{MAIL}").nip


def test_the_coordinator_plans_hosts_groups_visits_and_the_agenda_and_the_board_shows_them(
    world: World,
) -> None:
    kA = world.caller("kA")
    page = kA.get(PAGE).text
    assert 'id="host-form"' in page and 'id="import-form"' in page
    host = _form(
        kA,
        f"{PAGE}/hosts",
        {
            "host_code": "tng-bappeda",
            "agency": "Pemerintah Kota Tangerang",
            "unit": "Bappeda",
            "city": "Kota Tangerang",
            "province": "Banten",
            "timezone": "WIB",
            "focus": "Perencanaan menuju WTP",
            "reasons": "Inovatif Government Award 2012\nIndeks Kota Cerdas Indonesia",
            "contact_name": "Sekretariat Bappeda",
            "contact_phone": "+62 21 5512345",
        },
    )
    assert _flash(kA, host) == "Mitra tng-bappeda tercatat."
    _form(
        kA,
        f"{PAGE}/hosts",
        {
            "host_code": "tng-dpkd",
            "agency": "Pemerintah Kota Tangerang",
            "unit": "DPKD",
            "city": "Kota Tangerang",
            "timezone": "WIB",
        },
    )
    group = _form(
        kA,
        f"{PAGE}/groups",
        {
            "group_code": "I",
            "theme": "Perencanaan dan keuangan menuju WTP",
            "members": [_nip(world, "p1"), _nip(world, "p2")],
            "group_hosts": ["tng-bappeda"],
        },
    )
    assert _flash(kA, group) == "Kelompok I dibentuk."
    changed = _form(
        kA,
        f"{PAGE}/groups/I/change",
        {
            "theme": "Perencanaan dan keuangan menuju WTP",
            "add_members": [_nip(world, "p3")],
            "remove_members": [_nip(world, "p2")],
            "add_hosts": ["tng-dpkd"],
        },
    )
    assert _flash(kA, changed) == "Kelompok I diubah: 2 anggota, 2 lokus."
    before = _planned(world)
    emptied = _form(
        kA,
        f"{PAGE}/groups/I/change",
        {
            "theme": "Perencanaan dan keuangan menuju WTP",
            "remove_members": [_nip(world, "p1"), _nip(world, "p3")],
        },
    )
    assert emptied.status_code == 422
    assert "Lepas anggota: kelompok I tidak boleh tanpa anggota" in _refusal(emptied)
    assert _planned(world) == before

    visit = _form(
        kA,
        f"{PAGE}/visits",
        {
            "visit_code": "TNG",
            "date_from": "2026-04-10",
            "date_to": "2026-04-12",
            "host_agency": "Pemerintah Kota Tangerang",
            "city": "Kota Tangerang",
            "groups": ["I"],
            "companions": [_nip(world, "m1")],
        },
    )
    message = _flash(kA, visit)
    assert message.startswith("Kunjungan TNG direncanakan. Peringatan: ")
    assert "11-04-2026 adalah hari Sabtu (akhir pekan)" in message
    agenda = _form(
        kA,
        f"{PAGE}/visits/TNG/agenda",
        {
            "day": "2026-04-10",
            "starts": "09:00",
            "ends": "12:00",
            "host": "tng-bappeda",
            "group": "I",
            "topic": "Paparan e-Planning",
        },
    )
    assert _flash(kA, agenda) == "Agenda kunjungan TNG: 1 butir."
    imported = _form(
        kA,
        f"{PAGE}/import",
        {},
        files={"plan": ("plan.yaml", PLAN_YAML.format(mail=MAIL).encode(), "application/yaml")},
    )
    assert _flash(kA, imported) == "plan.yaml diimpor: 1 mitra, 1 kelompok, 1 kunjungan."

    page = kA.get(PAGE).text
    assert "Inovatif Government Award 2012" in page and "Sekretariat Bappeda" in page
    assert 'id="group-I"' in page and 'id="group-II"' in page
    members = re.search(r'id="group-I".*?<ul class="small members">(.*?)</ul>', page, re.S)
    assert members is not None
    assert "P1 Uji Patok" in members.group(1) and "P3 Uji Patok" in members.group(1)
    assert "P2 Uji Patok" not in members.group(1)
    tng = re.search(r'id="visit-TNG".*?</article>', page, re.S)
    assert tng is not None
    assert "12-04-2026 adalah hari Minggu (akhir pekan)" in tng.group(0)
    assert "Paparan e-Planning" in tng.group(0) and "M1 Uji Patok" in tng.group(0)
    assert "Paparan PAD daring" in page and 'id="visit-BGR"' in page

    board = kA.get(f"/cohorts/{COHORT_A}").text
    t = world.projects["T"]
    row = re.search(rf'<tr data-project="{t}".*?</tr>', board, re.S)
    assert row is not None
    assert 'data-group="I"' in row.group(0) and 'data-visit="planned"' in row.group(0)
    assert 'name="group"' in board
    only_two = kA.get(f"/cohorts/{COHORT_A}?group=II").text
    assert re.findall(r'<tr data-project="(\d+)"', only_two) == [str(world.projects["T3"])]


def test_a_bad_plan_or_group_is_shown_with_every_problem_and_stores_nothing(
    shared_world: World,
) -> None:
    kA = shared_world.caller("kA")
    before, planned = shared_world.snapshot(), _planned(shared_world)

    bad_yaml = _form(
        kA, f"{PAGE}/import", {}, files={"plan": ("plan.yaml", BAD_YAML.encode(), "text/yaml")}
    )
    assert bad_yaml.status_code == 422
    problems = _refusal(bad_yaml)
    assert "Rencana benchmarking ditolak" in bad_yaml.text
    assert any(p.startswith("plan.yaml groups[0]") and "(baris 2)" in p for p in problems)
    assert any("tidak punya anggota" in p for p in problems)
    assert any("visits[0].agenda[0].host (baris 11)" in p and "'tidak-ada'" in p for p in problems)
    assert any("visits[0].to (baris 7)" in p for p in problems)

    bad_csv = _form(
        kA,
        f"{PAGE}/import",
        {},
        files={
            "plan": (
                "agenda.csv",
                b"visit,date,start,end,host,group,topic\nV9,2026-13-01,09:00,12:00,x,,Paparan\n",
                "text/csv",
            )
        },
    )
    assert bad_csv.status_code == 422
    assert any(p.startswith("agenda.csv baris 2, kolom date") for p in _refusal(bad_csv))
    wrong_kind = _form(
        kA, f"{PAGE}/import", {}, files={"plan": ("plan.txt", b"hosts: []", "text/plain")}
    )
    assert wrong_kind.status_code == 422 and any(".txt" in p for p in _refusal(wrong_kind))

    no_members = _form(kA, f"{PAGE}/groups", {"group_code": "IX", "theme": "Kelompok kosong"})
    assert no_members.status_code == 422
    assert "Anggota: kelompok IX tidak punya anggota; sebutkan minimal satu peserta" in _refusal(
        no_members
    )
    assert 'value="Kelompok kosong"' in no_members.text  # the form keeps what was typed
    bad_host = _form(
        kA,
        f"{PAGE}/hosts",
        {"host_code": "a b", "agency": "", "unit": "Bapenda", "city": "Bogor", "timezone": "CET"},
    )
    assert bad_host.status_code == 422
    problems = _refusal(bad_host)
    assert "Instansi: wajib diisi" in problems
    assert any(p.startswith("Kode: kode 'a b' tidak sah") for p in problems)
    assert any(p.startswith("Zona waktu: zona waktu 'CET'") for p in problems)
    backwards = _form(
        kA,
        f"{PAGE}/visits",
        {
            "visit_code": "V1",
            "date_from": "2026-05-05",
            "date_to": "2026-05-04",
            "host_agency": "X",
            "city": "Y",
            "participants": [f"p1@{MAIL}"],
        },
    )
    assert backwards.status_code == 422
    assert any(p.startswith("Hari terakhir: tanggal akhir") for p in _refusal(backwards))
    assert shared_world.snapshot() == before and _planned(shared_world) == planned


def test_coaches_and_examiners_read_the_plan_and_others_may_not_plan(
    shared_world: World,
) -> None:
    before, planned = shared_world.snapshot(), _planned(shared_world)
    for nick in ("c1", "xA", "p1"):
        page = shared_world.caller(nick).get(PAGE)
        assert page.status_code == 200, nick
        assert 'id="read-only"' in page.text
        assert f'action="{PAGE}/' not in page.text
    assert shared_world.caller("kB").get(PAGE).status_code == 403
    host = {"host_code": "h1", "agency": "A", "unit": "U", "city": "C", "timezone": "WIB"}
    for nick in ("kB", "c1", "xA", "p1", "m1"):
        answer = _form(shared_world.caller(nick), f"{PAGE}/hosts", host)
        assert answer.status_code == 403 and "tidak berwenang" in answer.text, nick
        imported = _form(
            shared_world.caller(nick),
            f"{PAGE}/import",
            {},
            files={"plan": ("plan.yaml", PLAN_YAML.format(mail=MAIL).encode(), "text/yaml")},
        )
        assert imported.status_code == 403, nick
    kA = shared_world.caller("kA")
    no_token = kA.client.post(f"{PAGE}/hosts", data=host, follow_redirects=False)
    assert no_token.status_code == 403 and "Token formulir" in no_token.text
    assert shared_world.snapshot() == before and _planned(shared_world) == planned


def test_the_benchmarking_page_switches_to_english(shared_world: World) -> None:
    kA = shared_world.caller("kA")
    kA.client.get("/lang/en")
    try:
        page = kA.get(PAGE).text
        board = kA.get(f"/cohorts/{COHORT_A}").text
    finally:
        kA.client.get("/lang/id")
    assert 'lang="en"' in page
    for words in (
        "Host partners",
        "Record a host partner",
        "Form a group",
        "Plan a visit",
        "Import a plan from a file",
    ):
        assert words in page
    assert "Mitra benchmarking" not in page
    assert "Content = lessons/decisions" in board and "<th>Visit</th>" in board


def _visit_article(caller: Caller, code: str) -> str:
    """The visit's article on the benchmarking page."""
    found = re.search(rf'id="visit-{code}".*?</article>', caller.get(PAGE).text, re.S)
    assert found is not None
    return found.group(0)


def test_the_coordinator_corrects_and_removes_host_partners_and_changes_and_cancels_visits(
    world: World,
) -> None:
    kA = world.caller("kA")
    for host_code, unit in (("tng-bappeda", "Bappeda"), ("tng-dpkd", "DPKD")):
        _form(
            kA,
            f"{PAGE}/hosts",
            {
                "host_code": host_code,
                "agency": "Pemerintah Kota Tangerang",
                "unit": unit,
                "city": "Kota Tangerang",
                "timezone": "WIB",
                "contact_name": "Sekretariat",
            },
        )
    _form(
        kA,
        f"{PAGE}/groups",
        {"group_code": "I", "theme": "Keuangan", "members": [_nip(world, "p1"), _nip(world, "p2")]},
    )
    _form(
        kA,
        f"{PAGE}/groups",
        {"group_code": "II", "theme": "Pelayanan", "members": [_nip(world, "p3")]},
    )
    _form(
        kA,
        f"{PAGE}/visits",
        {
            "visit_code": "TNG",
            "date_from": "2026-04-13",
            "date_to": "2026-04-14",
            "host_agency": "Pemerintah Kota Tangerang",
            "city": "Kota Tangerang",
            "groups": ["I"],
        },
    )
    _form(
        kA,
        f"{PAGE}/visits/TNG/agenda",
        {"day": "2026-04-13", "host": "tng-bappeda", "group": "I", "topic": "Paparan e-Planning"},
    )
    page = kA.get(PAGE).text
    assert f'action="{PAGE}/hosts/tng-dpkd/change"' in page
    assert f'action="{PAGE}/visits/TNG/cancel"' in page
    assert "Kelompok yang dipesan: " in _visit_article(kA, "TNG")

    corrected = _form(
        kA,
        f"{PAGE}/hosts/tng-dpkd/change",
        {
            "agency": "Pemerintah Kota Tangerang",
            "unit": "Bapenda",
            "city": "Kota Tangerang",
            "timezone": "WIB",
            "reasons": "Pajak daerah daring",
            "contact_name": "Sekretariat",
            "no_contact": "1",
        },
    )
    assert _flash(kA, corrected) == "Mitra tng-dpkd diubah."
    host = re.search(r'id="host-tng-dpkd".*?</article>', kA.get(PAGE).text, re.S)
    assert host is not None
    assert "Bapenda" in host.group(0) and "Pajak daerah daring" in host.group(0)
    assert 'class="small contact"' not in host.group(0)

    before = _planned(world)
    in_use = _form(kA, f"{PAGE}/hosts/tng-bappeda/remove", {})
    assert in_use.status_code in (409, 422), in_use.status_code
    assert "tidak dapat dihapus" in in_use.text and "agenda kunjungan TNG" in in_use.text
    assert _planned(world) == before
    removed = _form(kA, f"{PAGE}/hosts/tng-dpkd/remove", {})
    assert _flash(kA, removed) == "Mitra tng-dpkd dihapus."
    assert 'id="host-tng-dpkd"' not in kA.get(PAGE).text

    changed = _form(
        kA,
        f"{PAGE}/visits/TNG/change",
        {
            "date_from": "2026-04-13",
            "date_to": "2026-04-15",
            "host_agency": "Pemerintah Kota Tangerang",
            "city": "Kota Tangerang",
            "timezone": "WIB",
            "add_groups": ["II"],
            "remove_participants": [_nip(world, "p2")],
        },
    )
    assert _flash(kA, changed) == "Kunjungan TNG diubah: 13-04-2026 s.d. 15-04-2026, 2 peserta."
    article = _visit_article(kA, "TNG")
    booked = re.search(r'class="small booked-groups">(.*?)</p>', article, re.S)
    assert booked is not None
    assert re.findall(r'class="group-code">([^<]+)<', booked.group(1)) == ["I", "II"]

    before = _planned(world)
    outside = _form(
        kA,
        f"{PAGE}/visits/TNG/change",
        {
            "date_from": "2026-04-14",
            "date_to": "2026-04-15",
            "host_agency": "Pemerintah Kota Tangerang",
            "city": "Kota Tangerang",
        },
    )
    assert outside.status_code == 422
    assert 'id="refusal"' in outside.text and "13-04-2026" in outside.text
    assert 'value="2026-04-14"' in outside.text  # the form keeps what was typed
    assert _planned(world) == before

    no_reason = _form(kA, f"{PAGE}/visits/TNG/cancel", {"reason": " "})
    assert no_reason.status_code == 422
    assert any("alasan pembatalan" in p for p in _refusal(no_reason))
    assert _planned(world) == before
    cancelled = _form(kA, f"{PAGE}/visits/TNG/cancel", {"reason": "Anggaran dialihkan"})
    assert _flash(kA, cancelled) == "Kunjungan TNG dibatalkan."
    assert 'id="visit-TNG"' not in kA.get(PAGE).text
    with world.app.database.connect() as conn:  # type: ignore[union-attr]
        assert conn.execute(select(func.count()).select_from(VisitRow)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(AgendaItemRow)).scalar_one() == 0


def test_nobody_but_the_coordinator_changes_a_host_or_a_visit_from_the_page(
    shared_world: World,
) -> None:
    before, planned = shared_world.snapshot(), _planned(shared_world)
    for nick in ("kB", "c1", "xA", "p1", "m1"):
        caller = shared_world.caller(nick)
        for path, data in (
            (f"{PAGE}/hosts/h1/change", {"agency": "X"}),
            (f"{PAGE}/hosts/h1/remove", {}),
            (f"{PAGE}/visits/V1/change", {"date_from": "2026-05-04", "date_to": "2026-05-05"}),
            (f"{PAGE}/visits/V1/cancel", {"reason": "Alasan"}),
        ):
            answer = _form(caller, path, data)
            assert answer.status_code == 403, (nick, path, answer.status_code)
    assert shared_world.snapshot() == before and _planned(shared_world) == planned
