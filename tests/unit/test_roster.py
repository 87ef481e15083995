"""Tests for domain.roster (parsing and validating roster imports) and the seed 001 demo roster."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.demo_data import (
    AGENCY_OF_REGENCY,
    DEMO_COHORT_CODE,
    DEMO_ORGANISER,
    DEMO_TIMEZONE,
    REGENCY_COUNTS,
    seed001_roster,
)
from domain.errors import RosterError
from domain.nip import parse_nip, synthetic_nip
from domain.roles import Role
from domain.roster import (
    EXPLAINED_ERRORS,
    Roster,
    RosterFormat,
    RosterParticipant,
    dump_roster,
    parse_roster,
    reference_key,
    roster_format,
    validate_roster,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

COORD = synthetic_nip(date(1982, 4, 3), 2008, 3, "female", 7)
MENTOR = synthetic_nip(date(1968, 9, 12), 1994, 3, "male", 2)
COACH = synthetic_nip(date(1965, 1, 20), 1990, 12, "male", 11)
P1 = synthetic_nip(date(1979, 5, 17), 2004, 1, "male", 31)
P2 = synthetic_nip(date(1983, 10, 2), 2009, 4, "female", 45)


def spaced(nip: str) -> str:
    """An NIP as people type it: ``19800101 200501 1 001``."""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"


HEADER = "role,nip,name,email,agency,unit,phone,mentor,coach,project_title"
CSV_TEXT = "\n".join(
    [
        HEADER,
        f"coordinator,{COORD},Rahma Tuanany,rahma.tuanany@bpsdm.malukuprov.go.id,"
        "BPSDM Provinsi Maluku,,,,,",
        f"mentor,{MENTOR},Marthen Wael,marthen.wael@burukab.go.id,Pemerintah Kabupaten Buru,"
        "Bappeda,+62 812 4400 1122,,,",
        f"coach,{COACH},Abraham Sahetapy,abraham.sahetapy@bpsdm.malukuprov.go.id,"
        "BPSDM Provinsi Maluku,Widyaiswara,,,,",
        f"examiner,{COACH},Abraham Sahetapy,abraham.sahetapy@bpsdm.malukuprov.go.id,"
        "BPSDM Provinsi Maluku,Widyaiswara,,,,",
        f"participant,{spaced(P1)},Ismail Nurlatu,ismail.nurlatu@burukab.go.id,"
        f"Pemerintah Kabupaten Buru,Bappeda,,{MENTOR},{COACH},Sinkronisasi RKPD dan KUA-PPAS",
        f"participant,{P2},Siti Umasugi,Siti.Umasugi@BuruKab.go.id,Pemerintah Kabupaten Buru,"
        f"Bappeda,+62 853 1100 2233,MARTHEN.WAEL@burukab.go.id,{spaced(COACH)},",
    ]
)
YAML_TEXT = f"""\
coordinators:
  - nip: "{COORD}"
    name: Rahma Tuanany
    email: rahma.tuanany@bpsdm.malukuprov.go.id
    agency: BPSDM Provinsi Maluku
mentors:
  - nip: {MENTOR}
    name: Marthen Wael
    email: marthen.wael@burukab.go.id
    agency: Pemerintah Kabupaten Buru
    unit: Bappeda
    phone: "+62 812 4400 1122"
coaches:
  - &coach
    nip: "{COACH}"
    name: Abraham Sahetapy
    email: abraham.sahetapy@bpsdm.malukuprov.go.id
    agency: BPSDM Provinsi Maluku
    unit: Widyaiswara
examiners:
  - *coach
participants:
  - nip: "{spaced(P1)}"
    name: Ismail Nurlatu
    email: ismail.nurlatu@burukab.go.id
    agency: Pemerintah Kabupaten Buru
    unit: Bappeda
    mentor: "{MENTOR}"
    coach: "{COACH}"
    project_title: Sinkronisasi RKPD dan KUA-PPAS
  - nip: "{P2}"
    name: Siti Umasugi
    email: Siti.Umasugi@BuruKab.go.id
    agency: Pemerintah Kabupaten Buru
    unit: Bappeda
    phone: "+62 853 1100 2233"
    mentor: MARTHEN.WAEL@burukab.go.id
    coach: "{spaced(COACH)}"
"""


def problems_of(action: Callable[[], object]) -> tuple[list[str], list[str]]:
    """Run ``action``, expect a RosterError, return its (Indonesian, English) problem lists."""
    with pytest.raises(RosterError) as caught:
        action()
    error = caught.value
    assert len(error.problems) == len(error.problems_en)
    return error.problems, error.problems_en


def import_problems(text: str, fmt: RosterFormat, source: str = "r") -> tuple[list[str], list[str]]:
    """Parse and validate ``text`` as an import does; return the problems it is refused with."""
    return problems_of(lambda: validate_roster(parse_roster(text, fmt, source)))


def person(nip: str, name: str, **extra: str) -> dict[str, str]:
    """A person record for Roster.model_validate, with an e-mail derived from the name."""
    email = name.lower().replace(" ", ".") + "@burukab.go.id"
    record = {"nip": nip, "name": name, "email": email, "agency": "Pemerintah Kabupaten Buru"}
    record.update(extra)
    return record


def roster(**lists: list[dict[str, str]]) -> Roster:
    """A roster built directly from record dicts (bypassing parse_roster)."""
    return Roster.model_validate(lists)


GOOD_MENTOR = person(MENTOR, "Marthen Wael")
GOOD_COACH = person(COACH, "Abraham Sahetapy")


# ---------------------------------------------------------------------------------------------
# Parsing valid rosters
# ---------------------------------------------------------------------------------------------


def test_yaml_and_csv_listing_the_same_people_parse_to_the_same_roster() -> None:
    from_csv = parse_roster(CSV_TEXT, "csv", "r.csv")
    from_yaml = parse_roster(YAML_TEXT, "yaml", "r.yaml")

    assert from_csv == from_yaml
    assert [len(from_csv.by_role(r)) for r in Role] == [2, 1, 1, 1, 1]
    validate_roster(from_csv)


def test_parsing_normalises_nips_emails_and_references() -> None:
    parsed = parse_roster(CSV_TEXT, "csv")
    first, second = parsed.participants

    assert first.nip == P1
    assert second.email == "siti.umasugi@burukab.go.id"
    assert second.mentor == "marthen.wael@burukab.go.id"
    assert second.coach == COACH
    assert first.phone is None and first.lang == "id"


def test_empty_csv_cells_are_absent_values() -> None:
    parsed = parse_roster(CSV_TEXT, "csv")

    coordinator = parsed.coordinators[0]
    assert coordinator.unit == "" and coordinator.phone is None
    assert parsed.participants[1].project_title == ""


def test_csv_accepts_semicolons_a_bom_indonesian_roles_and_blank_lines() -> None:
    text = "\ufeff" + CSV_TEXT.replace(",", ";").replace("participant;", "peserta;").replace(
        "examiner;", "penguji;"
    ).replace("coordinator;", "penyelenggara;").replace("\n", "\n\n")
    # The project title and names contain no commas or semicolons, so the swap is safe.
    assert parse_roster(text, "csv") == parse_roster(CSV_TEXT, "csv")


def test_yaml_accepts_indonesian_list_keys() -> None:
    text = (
        YAML_TEXT.replace("participants:", "peserta:")
        .replace("examiners:", "penguji:")
        .replace("coordinators:", "koordinator:")
        .replace("mentors:", "mentor:")
        .replace("coaches:", "coach:")
    )
    assert parse_roster(text, "yaml") == parse_roster(YAML_TEXT, "yaml")


def test_empty_yaml_parses_to_an_empty_roster_that_validation_refuses() -> None:
    empty = parse_roster("", "yaml")

    assert empty == Roster() and empty.is_empty()
    ids, ens = problems_of(lambda: validate_roster(empty))
    assert ens == ["empty roster: no participants, mentors, coaches, examiners or coordinators"]
    assert ids[0].startswith("roster kosong")


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_dump_then_parse_gives_back_the_same_roster(fmt: RosterFormat) -> None:
    original = seed001_roster()
    assert parse_roster(dump_roster(original, fmt), fmt) == original


def test_example_yaml_file_parses_validates_and_equals_the_demo_roster() -> None:
    path = EXAMPLES / "roster-seed001.yaml"
    parsed = parse_roster(path.read_text(encoding="utf-8"), roster_format(path.name), path.name)

    validate_roster(parsed)
    assert parsed == seed001_roster()


def test_example_small_csv_parses_and_validates_with_a_coach_who_also_examines() -> None:
    path = EXAMPLES / "roster-small.csv"
    parsed = parse_roster(path.read_text(encoding="utf-8"), roster_format(path.name), path.name)

    validate_roster(parsed)
    assert len(parsed.participants) == 3
    assert parsed.coaches[0] == parsed.examiners[0]


# ---------------------------------------------------------------------------------------------
# Roster helpers
# ---------------------------------------------------------------------------------------------


def test_people_lists_every_role_and_person_pair() -> None:
    parsed = parse_roster(CSV_TEXT, "csv")
    pairs = list(parsed.people())

    assert len(pairs) == 6
    assert Counter(role for role, _ in pairs) == {
        Role.COORDINATOR: 1,
        Role.MENTOR: 1,
        Role.COACH: 1,
        Role.EXAMINER: 1,
        Role.PARTICIPANT: 2,
    }


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (MENTOR, MENTOR),
        (spaced(MENTOR), MENTOR),
        ("  Marthen.Wael@BURUKAB.go.id ", MENTOR),
        (P2, P2),
        ("nobody@burukab.go.id", None),
        ("not an nip", None),
    ],
)
def test_resolve_finds_people_by_nip_or_email(ref: str, expected: str | None) -> None:
    found = parse_roster(CSV_TEXT, "csv").resolve(ref)
    assert (found.nip if found else None) == expected


def test_resolve_can_be_limited_to_one_role() -> None:
    parsed = parse_roster(CSV_TEXT, "csv")

    examiner = parsed.resolve(COACH, Role.EXAMINER)
    assert examiner is not None and examiner.name == "Abraham Sahetapy"
    assert parsed.resolve(MENTOR, Role.COACH) is None


def test_reference_key_ignores_nip_spacing_and_email_case() -> None:
    assert reference_key(spaced(P1)) == reference_key(P1) == P1
    assert reference_key(" A.B@X.go.id ") == "a.b@x.go.id"


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [("roster.csv", "csv"), ("ROSTER.CSV", "csv"), ("a/b.yaml", "yaml"), ("b.YML", "yaml")],
)
def test_roster_format_follows_the_extension(filename: str, fmt: str) -> None:
    assert roster_format(filename) == fmt


@pytest.mark.parametrize("filename", ["roster.xlsx", "roster", "roster.json"])
def test_roster_format_refuses_other_extensions_naming_the_allowed_ones(filename: str) -> None:
    ids, ens = problems_of(lambda: roster_format(filename))

    assert ".csv, .yaml, .yml" in ens[0] and filename in ens[0]
    assert "tidak didukung" in ids[0]


# ---------------------------------------------------------------------------------------------
# Parse problems: each names where and what
# ---------------------------------------------------------------------------------------------


def csv_row(role: str, nip: str, email: str = "a.b@burukab.go.id", **extra: str) -> str:
    """One CSV data row for HEADER."""
    cells = {
        "role": role,
        "nip": nip,
        "name": "Ismail Nurlatu",
        "email": email,
        "agency": "Pemerintah Kabupaten Buru",
        "unit": "",
        "phone": "",
        "mentor": MENTOR if role == "participant" else "",
        "coach": "",
        "project_title": "",
    }
    cells.update(extra)
    return ",".join(cells[c] for c in HEADER.split(","))


def csv_text(*rows: str, header: str = HEADER) -> str:
    """A CSV roster: the header, a valid mentor row (line 2), then ``rows`` (line 3 onwards)."""
    mentor = csv_row("mentor", MENTOR, "marthen.wael@burukab.go.id")
    return "\n".join([header, mentor, *rows]) + "\n"


def yaml_participant(**fields: Any) -> str:
    """A YAML roster with one mentor and one participant (participants[0] starts on line 7)."""
    record: dict[str, Any] = {
        "nip": P1,
        "name": "Ismail Nurlatu",
        "email": "ismail.nurlatu@burukab.go.id",
        "agency": "Pemerintah Kabupaten Buru",
        "mentor": MENTOR,
    }
    record.update(fields)
    record = {k: v for k, v in record.items() if v is not None}
    return yaml.safe_dump({"mentors": [GOOD_MENTOR], "participants": [record]}, sort_keys=False)


BAD_INPUTS = [
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1[:-1])),
        ("r baris 3, kolom nip", "r line 3, column nip"),
        ("harus terdiri atas 18 digit", "must have 18 digits; found 17"),
        id="csv-nip-17-digits",
    ),
    pytest.param(
        "yaml",
        yaml_participant(nip=P1[:-1]),
        ("r participants[0].nip (baris 7)", "r participants[0].nip (line 7)"),
        ("harus terdiri atas 18 digit", "must have 18 digits; found 17"),
        id="yaml-nip-17-digits",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1[:12] + "13" + P1[14:])),
        ("r baris 3, kolom nip", "r line 3, column nip"),
        ("harus 01 sampai 12", "Appointment month (TMT CPNS) in the NIP (13) must be 01 to 12"),
        id="csv-nip-month-13",
    ),
    pytest.param(
        "yaml",
        yaml_participant(nip=P1[:12] + "13" + P1[14:]),
        ("r participants[0].nip (baris 7)", "r participants[0].nip (line 7)"),
        ("harus 01 sampai 12", "must be 01 to 12"),
        id="yaml-nip-month-13",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", "1.97905E+17")),
        ("r baris 3, kolom nip", "r line 3, column nip"),
        ("lembar kerja", "spreadsheet turned it into a number"),
        id="csv-nip-mangled-by-spreadsheet",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1, "ismail.nurlatu-at-burukab.go.id")),
        ("r baris 3, kolom email", "r line 3, column email"),
        ("bukan alamat e-mail yang sah", "is not a valid e-mail address"),
        id="csv-bad-email",
    ),
    pytest.param(
        "yaml",
        yaml_participant(email="ismail@"),
        ("r participants[0].email (baris 9)", "r participants[0].email (line 9)"),
        ("bukan alamat e-mail yang sah", "is not a valid e-mail address"),
        id="yaml-bad-email",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("kepala", P1)),
        ("r baris 3, kolom role", "r line 3, column role"),
        ("peran 'kepala' tidak dikenal", "unknown role 'kepala'; allowed: participant, mentor"),
        id="csv-unknown-role",
    ),
    pytest.param(
        "csv",
        "role,nip,name,agency,mentor\n"
        f"mentor,{MENTOR},Marthen Wael,Pemerintah Kabupaten Buru,\n"
        f"participant,{P1},Ismail Nurlatu,Pemerintah Kabupaten Buru,{MENTOR}\n",
        ("r baris 1", "r line 1"),
        ("kolom wajib 'email' tidak ada", "required column 'email' is missing"),
        id="csv-missing-email-column",
    ),
    pytest.param(
        "csv",
        "role,nip,name,email,agency\n"
        f"participant,{P1},Ismail Nurlatu,ismail.nurlatu@burukab.go.id,Pemerintah Kab. Buru\n",
        ("r baris 1", "r line 1"),
        ("kolom 'mentor' tidak ada", "column 'mentor' is missing"),
        id="csv-missing-mentor-column-with-participants",
    ),
    pytest.param(
        "csv",
        csv_text(header=HEADER + ",jabatan"),
        ("r baris 1", "r line 1"),
        ("kolom 'jabatan' tidak dikenal", "unknown column 'jabatan'; allowed: role, nip"),
        id="csv-unknown-column",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1, name="")),
        ("r baris 3, kolom name", "r line 3, column name"),
        ("wajib diisi", "is required"),
        id="csv-empty-required-cell",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("coach", COACH, mentor=MENTOR)),
        ("r baris 3, kolom mentor", "r line 3, column mentor"),
        ("hanya untuk peserta", "only for participants"),
        id="csv-mentor-cell-on-a-coach",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1) + ",surplus"),
        ("r baris 3", "r line 3"),
        ("lebih banyak daripada 10 kolom", "more than the 10 columns"),
        id="csv-too-many-cells",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1, mentor="Pak Kepala")),
        ("r baris 3, kolom mentor", "r line 3, column mentor"),
        ("bukan alamat e-mail maupun NIP", "neither an e-mail address nor a valid NIP"),
        id="csv-mentor-reference-neither-nip-nor-email",
    ),
    pytest.param(
        "csv",
        csv_text(csv_row("participant", P1, phone="0812-abc")),
        ("r baris 3, kolom phone", "r line 3, column phone"),
        ("nomor telepon '0812-abc' tidak sah", "phone number '0812-abc' is invalid"),
        id="csv-bad-phone",
    ),
    pytest.param(
        "yaml",
        "participants:\n  - nip: [1, 2\n",
        ("r baris 3, kolom 1", "r line 3, column 1"),
        ("YAML tidak sah", "invalid YAML"),
        id="yaml-syntax-error",
    ),
    pytest.param(
        "yaml",
        "- nip: '1'\n",
        ("r", "r"),
        ("harus berupa pemetaan", "top level of a YAML roster must be a mapping with the lists"),
        id="yaml-top-level-list",
    ),
    pytest.param(
        "yaml",
        "participants: []\npesertaa: []\n",
        ("r pesertaa (baris 2)", "r pesertaa (line 2)"),
        ("kunci 'pesertaa' tidak dikenal", "unknown key 'pesertaa'; allowed: coordinators"),
        id="yaml-unknown-list-key",
    ),
    pytest.param(
        "yaml",
        yaml_participant(jabatan="Kepala Bidang"),
        ("r participants[0].jabatan (baris 12)", "r participants[0].jabatan (line 12)"),
        ("kunci 'jabatan' tidak dikenal", "unknown key 'jabatan'; allowed: nip, name"),
        id="yaml-unknown-field",
    ),
    pytest.param(
        "yaml",
        yaml_participant(name=None),
        ("r participants[0].name (baris 7)", "r participants[0].name (line 7)"),
        ("wajib diisi", "is required"),
        id="yaml-missing-name",
    ),
    pytest.param(
        "yaml",
        "mentors: Marthen Wael\n",
        ("r mentors (baris 1)", "r mentors (line 1)"),
        ("harus berupa daftar", "must be a list; found str"),
        id="yaml-list-that-is-not-a-list",
    ),
    pytest.param(
        "yaml",
        "participants:\n  - just a name\n",
        ("r participants[0] (baris 2)", "r participants[0] (line 2)"),
        ("harus berupa pemetaan", "each person must be a mapping"),
        id="yaml-person-that-is-not-a-mapping",
    ),
    pytest.param(
        "yaml",
        "mentors: []\nmentor: []\n",
        ("r mentor (baris 2)", "r mentor (line 2)"),
        ("sudah diberikan dengan kunci 'mentors'", "already given under the key 'mentors'"),
        id="yaml-same-list-under-two-keys",
    ),
]


@pytest.mark.parametrize(("fmt", "text", "where", "what"), BAD_INPUTS)
def test_bad_input_gives_one_problem_naming_its_location_and_cause(
    fmt: RosterFormat, text: str, where: tuple[str, str], what: tuple[str, str]
) -> None:
    ids, ens = import_problems(text, fmt)

    assert len(ens) == 1, ens
    assert ids[0].startswith(where[0] + ":"), ids
    assert ens[0].startswith(where[1] + ":"), ens
    assert what[0] in ids[0]
    assert what[1] in ens[0]


def test_unquoted_yaml_nip_is_read_as_text() -> None:
    text = yaml_participant().replace(f"'{P1}'", P1)
    assert f"nip: {P1}" in text
    assert parse_roster(text, "yaml").participants[0].nip == P1


def test_several_csv_problems_are_all_reported_with_their_lines() -> None:
    text = csv_text(
        csv_row("participant", P1[:-1]),  # line 3: NIP 17 digits
        csv_row("participant", P2, "not-an-email"),  # line 4: e-mail
        csv_row("kepala", COACH),  # line 5: role
        csv_row("participant", P1, name="X", mentor=""),  # line 6: name too short, no mentor
    )
    ids, ens = import_problems(text, "csv", "r.csv")

    assert len(ens) == 5 and len(ids) == 5
    assert [e.split(":")[0] for e in ens] == [
        "r.csv line 3, column nip",
        "r.csv line 4, column email",
        "r.csv line 5, column role",
        "r.csv line 6, column name",
        "r.csv line 6, column mentor",
    ]
    assert [i.split(":")[0] for i in ids] == [
        "r.csv baris 3, kolom nip",
        "r.csv baris 4, kolom email",
        "r.csv baris 5, kolom role",
        "r.csv baris 6, kolom name",
        "r.csv baris 6, kolom mentor",
    ]


def test_several_yaml_problems_are_all_reported() -> None:
    text = yaml.safe_dump(
        {
            "participants": [
                {**person(P1[:-1], "Ismail Nurlatu"), "mentor": MENTOR},
                {**person(P2, "Siti Umasugi"), "email": "siti@"},
            ],
            "coaches": [{**GOOD_COACH, "hobby": "sailing"}],
            "panitia": [],
        },
        sort_keys=False,
    )
    ids, ens = import_problems(text, "yaml")

    assert len(ens) == 5 and len(ids) == 5
    joined = "\n".join(ens)
    for needle in (
        "participants[0].nip",
        "participants[1].email",
        "participants[1].mentor",
        "coaches[0].hobby",
        "unknown key 'panitia'",
    ):
        assert needle in joined


def test_roster_error_message_lists_every_problem_in_both_languages() -> None:
    text = csv_text(csv_row("participant", P1[:-1]), csv_row("kepala", P2))
    with pytest.raises(RosterError) as caught:
        validate_roster(parse_roster(text, "csv"))

    error = caught.value
    assert error.message_id.startswith("Roster ditolak, tidak ada yang disimpan: ")
    assert error.message_en.startswith("Roster refused, nothing was stored: ")
    assert all(problem in error.message_en for problem in error.problems_en)
    assert all(problem in error.message_id for problem in error.problems)


# ---------------------------------------------------------------------------------------------
# Cross-record problems (validate_roster)
# ---------------------------------------------------------------------------------------------


def participant(nip: str, name: str, mentor: str = MENTOR, **extra: str) -> dict[str, str]:
    """A participant record naming ``mentor``."""
    return person(nip, name, mentor=mentor, **extra)


ISMAIL = participant(P1, "Ismail Nurlatu")
SITI = participant(P2, "Siti Umasugi")

CROSS_PROBLEMS = [
    pytest.param(
        roster(mentors=[GOOD_MENTOR], participants=[ISMAIL, SITI, ISMAIL]),
        {},
        ("participants[2]", "participants[2]"),
        (
            "peserta Ismail Nurlatu (NIP " + P1 + ") tercantum lebih dari sekali",
            "participant Ismail Nurlatu (NIP " + P1 + ") is listed more than once: "
            "participants[0], participants[2]",
        ),
        id="duplicate-participant",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR, GOOD_MENTOR], participants=[ISMAIL]),
        {},
        ("mentors[1]", "mentors[1]"),
        ("tercantum lebih dari sekali", "mentor Marthen Wael (NIP " + MENTOR + ") is listed more"),
        id="duplicate-mentor",
    ),
    pytest.param(
        roster(participants=[participant(P1, "Ismail Nurlatu", mentor=spaced(MENTOR))]),
        {},
        ("participants[0]", "participants[0]"),
        (
            f"mentor {MENTOR} dari peserta Ismail Nurlatu (NIP {P1}) tidak ada di roster",
            f"mentor {MENTOR} of participant Ismail Nurlatu (NIP {P1}) is not in the roster",
        ),
        id="mentor-not-in-roster",
    ),
    pytest.param(
        roster(
            coaches=[GOOD_COACH], participants=[participant(P1, "Ismail Nurlatu", mentor=COACH)]
        ),
        {},
        ("participants[0]", "participants[0]"),
        ("tercantum sebagai coach, bukan mentor", "is listed as coach, not as mentor"),
        id="mentor-reference-to-a-coach",
    ),
    pytest.param(
        roster(participants=[participant(P1, "Ismail Nurlatu", mentor=spaced(P1))]),
        {},
        ("participants[0]", "participants[0]"),
        ("tidak boleh menjadi mentor bagi dirinya sendiri", "cannot be their own mentor"),
        id="participant-who-mentors-themself",
    ),
    pytest.param(
        roster(
            mentors=[GOOD_MENTOR],
            participants=[{**ISMAIL, "coach": "ismail.nurlatu@burukab.go.id"}],
        ),
        {},
        ("participants[0]", "participants[0]"),
        ("tidak boleh menjadi coach bagi dirinya sendiri", "cannot be their own coach"),
        id="participant-who-coaches-themself",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR], participants=[{**ISMAIL, "coach": COACH}]),
        {},
        ("participants[0]", "participants[0]"),
        (
            f"coach {COACH} dari peserta Ismail Nurlatu",
            f"coach {COACH} of participant Ismail Nurlatu (NIP {P1}) is not in the roster",
        ),
        id="coach-not-in-roster",
    ),
    pytest.param(
        roster(
            mentors=[GOOD_MENTOR],
            participants=[ISMAIL, {**SITI, "email": "ismail.nurlatu@burukab.go.id"}],
        ),
        {},
        ("participants[0]", "participants[0]"),
        (
            "e-mail ismail.nurlatu@burukab.go.id dipakai oleh 2 NIP berbeda",
            "e-mail ismail.nurlatu@burukab.go.id is used by 2 different NIPs",
        ),
        id="same-email-on-two-nips",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR], participants=[ISMAIL]),
        {"existing_participants": [spaced(P1)]},
        ("participants[0]", "participants[0]"),
        ("sudah terdaftar dalam angkatan ini", f"Ismail Nurlatu (NIP {P1}) is already in this"),
        id="participant-already-in-cohort",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR], participants=[ISMAIL]),
        {"known_mentors": [P1]},
        ("participants[0]", "participants[0]"),
        ("sudah menjadi mentor dalam angkatan ini", "is already a mentor in this cohort"),
        id="participant-already-a-mentor-of-the-cohort",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR], participants=[ISMAIL]),
        {"existing_participants": [MENTOR]},
        ("mentors[0]", "mentors[0]"),
        ("sudah menjadi peserta angkatan ini", "is already a participant of this cohort"),
        id="mentor-already-a-participant-of-the-cohort",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR, person(P1, "Ismail Nurlatu")], participants=[ISMAIL]),
        {},
        ("participants[0]", "participants[0]"),
        ("tercantum sebagai peserta dan juga sebagai mentor", "may not hold another role"),
        id="participant-also-listed-as-mentor",
    ),
    pytest.param(
        roster(mentors=[GOOD_MENTOR], participants=[ISMAIL, {**SITI, "mentor": P1}]),
        {},
        ("participants[1]", "participants[1]"),
        ("adalah peserta angkatan ini", "is a participant of this cohort (Ismail Nurlatu)"),
        id="participant-named-as-mentor-of-another",
    ),
    pytest.param(
        roster(
            coaches=[GOOD_COACH],
            examiners=[{**GOOD_COACH, "email": "abraham@lan.go.id"}],
        ),
        {},
        ("coaches[0]", "coaches[0]"),
        ("nama atau e-mail yang berbeda", "is listed with different names or e-mails"),
        id="same-nip-with-different-details",
    ),
    pytest.param(
        Roster(),
        {},
        ("", ""),
        ("roster kosong", "empty roster"),
        id="empty-roster",
    ),
]


@pytest.mark.parametrize(("subject", "context", "where", "what"), CROSS_PROBLEMS)
def test_cross_record_problem_is_reported_with_the_record_and_cause(
    subject: Roster,
    context: dict[str, Collection[str]],
    where: tuple[str, str],
    what: tuple[str, str],
) -> None:
    ids, ens = problems_of(lambda: validate_roster(subject, **context))

    assert len(ens) == 1, ens
    assert ids[0].startswith(where[0]) and ens[0].startswith(where[1])
    assert what[0] in ids[0], ids
    assert what[1] in ens[0], ens


def test_several_cross_record_problems_are_all_reported() -> None:
    subject = roster(
        mentors=[GOOD_MENTOR],
        participants=[
            participant(P1, "Ismail Nurlatu", mentor=P1),  # own mentor
            {**SITI, "coach": COACH},  # coach not in roster
            {**SITI},  # duplicate
        ],
    )
    ids, ens = problems_of(
        lambda: validate_roster(subject, existing_participants=[P1])  # already in cohort
    )

    assert len(ids) == len(ens) == 4
    joined = "\n".join(ens)
    for needle in (
        "is listed more than once",
        "cannot be their own mentor",
        f"coach {COACH} of participant Siti Umasugi",
        "is already in this cohort",
    ):
        assert needle in joined


def test_a_coach_may_also_be_an_examiner() -> None:
    validate_roster(roster(coaches=[GOOD_COACH], examiners=[GOOD_COACH]))


def test_references_to_the_cohorts_existing_mentors_and_coaches_are_accepted() -> None:
    subject = roster(
        participants=[
            participant(P1, "Ismail Nurlatu", mentor=MENTOR, coach=COACH),
            participant(P2, "Siti Umasugi", mentor="marthen.wael@burukab.go.id"),
        ]
    )
    validate_roster(
        subject,
        known_mentors=[spaced(MENTOR), "Marthen.Wael@BURUKAB.go.id"],
        known_coaches=[COACH],
        existing_participants=[COORD],
    )


def test_a_roster_of_mentors_only_is_valid() -> None:
    validate_roster(roster(mentors=[GOOD_MENTOR]))


# ---------------------------------------------------------------------------------------------
# One pass: problems in records and between records are reported together
# ---------------------------------------------------------------------------------------------

P3 = synthetic_nip(date(1981, 2, 8), 2006, 3, "male", 52)
P4 = synthetic_nip(date(1984, 7, 21), 2010, 2, "female", 63)


def where_of(problem: str) -> str:
    """The location a problem starts with (what comes before the first ': ')."""
    return problem.split(": ", 1)[0]


def test_parsing_keeps_record_problems_in_the_roster_instead_of_refusing() -> None:
    parsed = parse_roster(csv_text(csv_row("participant", P1[:-1])), "csv", "r.csv")

    assert parsed.participants == [] and len(parsed.mentors) == 1
    assert [where_of(p.en) for p in parsed.problems] == ["r.csv line 3, column nip"]
    assert [where_of(p.id) for p in parsed.problems] == ["r.csv baris 3, kolom nip"]
    assert P1[:-1] in parsed.unread_refs


def test_a_csv_import_reports_field_and_cross_record_problems_in_one_pass_with_csv_lines() -> None:
    text = csv_text(
        csv_row("participant", P1[:-1], "ismail@burukab.go.id"),  # line 3: NIP of 17 digits
        csv_row("participant", P2, "siti@burukab.go.id"),  # line 4
        csv_row("participant", P2, "siti@burukab.go.id"),  # line 5: line 4 again
        csv_row("participant", P3, "umar@burukab.go.id", mentor=P3),  # line 6: own mentor
        csv_row("participant", P4, "nur@burukab.go.id", mentor=COACH),  # line 7: unknown mentor
    )
    ids, ens = import_problems(text, "csv", "roster.csv")

    assert [where_of(e) for e in ens] == [
        "roster.csv line 3, column nip",
        "roster.csv line 5",
        "roster.csv line 6",
        "roster.csv line 7",
    ]
    assert [where_of(i) for i in ids] == [
        "roster.csv baris 3, kolom nip",
        "roster.csv baris 5",
        "roster.csv baris 6",
        "roster.csv baris 7",
    ]
    assert "must have 18 digits" in ens[0]
    assert ens[1].endswith(f"(NIP {P2}) is listed more than once: line 4, line 5")
    assert ids[1].endswith(f"(NIP {P2}) tercantum lebih dari sekali: baris 4, baris 5")
    assert "cannot be their own mentor" in ens[2]
    assert f"mentor {COACH} of participant" in ens[3] and "is not in the roster" in ens[3]
    assert not any("participants[" in problem for problem in ids + ens)


def test_a_yaml_import_reports_both_kinds_in_one_pass_naming_each_record_as_in_the_file() -> None:
    text = yaml.safe_dump(
        {
            "mentors": [GOOD_MENTOR],
            "participants": [
                participant(P1[:-1], "Ismail Nurlatu"),  # [0]: NIP of 17 digits
                SITI,  # [1]
                {**SITI},  # [2]: [1] again
                participant(P3, "Umar Tuasikal", mentor=P3),  # [3]: own mentor
                participant(P4, "Nur Laitupa", mentor=COACH),  # [4]: mentor not in the roster
            ],
        },
        sort_keys=False,
    )
    _, ens = import_problems(text, "yaml", "r.yaml")

    assert len(ens) == 4, ens
    assert ens[0].startswith("r.yaml participants[0].nip (line 7): NIP")
    # indices count the file's records, also those that could not be read
    assert ens[1].startswith("r.yaml participants[2] (line 17): participant Siti Umasugi")
    assert ens[1].endswith("listed more than once: participants[1] (line 12), participants[2] (line 17)")
    assert ens[2].startswith("r.yaml participants[3] (line 22): participant Umar Tuasikal")
    assert "cannot be their own mentor" in ens[2]
    assert ens[3].startswith(f"r.yaml participants[4] (line 27): mentor {COACH} of participant")


def test_a_record_that_cannot_be_read_is_left_out_of_the_checks_between_records() -> None:
    text = "\n".join(
        [
            HEADER,
            csv_row("mentor", MENTOR, "marthen-at-burukab.go.id"),  # line 2: bad e-mail
            csv_row("participant", P1, "ismail@burukab.go.id"),  # line 3: mentor is line 2
            csv_row("participant", P2, "siti@burukab.go.id", phone="0812-abc"),  # line 4
            csv_row("participant", P2, "siti@burukab.go.id"),  # line 5: NIP of line 4
        ]
    )
    _, ens = import_problems(text, "csv", "r.csv")

    assert [where_of(e) for e in ens] == ["r.csv line 2, column email", "r.csv line 4, column phone"]


def test_people_under_a_mistyped_yaml_key_are_not_reported_missing_as_mentors() -> None:
    text = yaml.safe_dump({"mentorss": [GOOD_MENTOR], "participants": [ISMAIL]}, sort_keys=False)
    _, ens = import_problems(text, "yaml", "r.yaml")

    assert len(ens) == 1 and "unknown key 'mentorss'" in ens[0]


def test_cross_record_problems_of_a_roster_without_problems_of_its_own_are_all_reported() -> None:
    text = csv_text(
        csv_row("participant", P1, "ismail@burukab.go.id", mentor=P1),
        csv_row("participant", P2, "ismail@burukab.go.id"),
    )
    _, ens = import_problems(text, "csv", "r.csv")

    assert [where_of(e) for e in ens] == ["r.csv line 3", "r.csv line 3"]
    assert "is used by 2 different NIPs: line 3 " in ens[0] and "; line 4 " in ens[0]
    assert "cannot be their own mentor" in ens[1]


def test_where_records_stood_in_their_files_does_not_make_two_rosters_differ() -> None:
    from_csv = parse_roster(CSV_TEXT, "csv", "r.csv")
    from_yaml = parse_roster(YAML_TEXT, "yaml", "r.yaml")

    assert from_csv == from_yaml
    assert from_csv.place(Role.PARTICIPANT, 1).en == "r.csv line 7"
    assert from_yaml.place(Role.PARTICIPANT, 1).en == "r.yaml participants[1] (line 31)"
    assert Roster.model_validate(from_csv.model_dump()).place(Role.PARTICIPANT, 1).en == (
        "participants[1]"
    )
    assert parse_roster(csv_text(csv_row("participant", "123")), "csv") != parse_roster(
        csv_text(), "csv"
    )


def test_every_problem_is_one_line_even_when_a_name_spans_lines() -> None:
    name = "Ismail\n  Nurlatu"
    text = yaml.safe_dump(
        {
            "mentors": [GOOD_MENTOR],
            "participants": [
                {**ISMAIL, "name": name},
                {**ISMAIL, "name": name, "jabatan": "Kepala\nBidang"},
                {**ISMAIL, "name": name},
            ],
        }
    )
    ids, ens = import_problems(text, "yaml", "r.yaml")

    assert len(ens) == 2
    assert all("\n" not in problem for problem in ids + ens)
    assert "Ismail Nurlatu (NIP" in ens[1]


# ---------------------------------------------------------------------------------------------
# Validation text: every pydantic error a record can produce, in both languages
# ---------------------------------------------------------------------------------------------

PYDANTIC_WORDS = ("should", "Field required", "Extra inputs", "Value error", "valid string")

FIELD_ERRORS = [
    pytest.param({"nip": "123"}, "invalid_nip", "harus terdiri atas 18 digit", "must have 18 digits", id="nip"),
    pytest.param({"mentor": "Pak Kepala"}, "invalid_reference", "bukan alamat e-mail maupun NIP", "neither an e-mail address nor a valid NIP", id="reference"),
    pytest.param({"name": None}, "missing", "wajib diisi", "is required", id="missing"),
    pytest.param({"jabatan": "Kabid"}, "extra_forbidden", "kunci 'jabatan' tidak dikenal", "unknown key 'jabatan'", id="unknown-key"),
    pytest.param({"email": "ismail@"}, "value_error", "bukan alamat e-mail yang sah", "is not a valid e-mail address", id="email"),
    pytest.param({"phone": "0812-abc"}, "string_pattern_mismatch", "nomor telepon '0812-abc' tidak sah", "phone number '0812-abc' is invalid", id="phone"),
    pytest.param({"name": "X"}, "string_too_short", "terlalu pendek (minimal 2 karakter)", "too short (at least 2 characters)", id="too-short"),
    pytest.param({"unit": "x" * 201}, "string_too_long", "terlalu panjang (maksimal 200 karakter)", "too long (at most 200 characters)", id="too-long"),
    pytest.param({"lang": "fr"}, "literal_error", "yang diizinkan: 'id' atau 'en'", "allowed: 'id' or 'en'", id="literal"),
    pytest.param({"name": True}, "string_type", "harus berupa teks", "must be text", id="not-text"),
    pytest.param({"name": b"\xff"}, "string_unicode", "bukan teks yang dapat dibaca", "is not readable text", id="not-unicode"),
]


@pytest.mark.parametrize(("fields", "kind", "what_id", "what_en"), FIELD_ERRORS)
def test_each_pydantic_error_a_record_can_produce_reads_as_a_sentence_in_both_languages(
    fields: dict[str, Any], kind: str, what_id: str, what_en: str
) -> None:
    from pydantic import ValidationError

    record = {**ISMAIL, **fields}
    with pytest.raises(ValidationError) as raw:
        RosterParticipant.model_validate({k: v for k, v in record.items() if v is not None})
    assert [e["type"] for e in raw.value.errors()] == [kind]

    ids, ens = import_problems(yaml_participant(**fields), "yaml")

    assert len(ens) == 1 and what_id in ids[0] and what_en in ens[0], (ids, ens)
    assert not any(word in ids[0] + ens[0] for word in PYDANTIC_WORDS)


def test_the_error_types_tested_above_are_exactly_those_the_roster_explains() -> None:
    assert {p.values[1] for p in FIELD_ERRORS} == EXPLAINED_ERRORS


# ---------------------------------------------------------------------------------------------
# The seed 001 demo roster
# ---------------------------------------------------------------------------------------------


def test_seed001_has_40_participants_with_the_five_regency_counts() -> None:
    demo = seed001_roster()
    by_agency = Counter(p.agency for p in demo.participants)

    assert len(demo.participants) == 40 == sum(REGENCY_COUNTS.values())
    assert by_agency == {AGENCY_OF_REGENCY[r]: n for r, n in REGENCY_COUNTS.items()}
    assert by_agency["Pemerintah Kabupaten Buru"] == 15


def test_seed001_has_about_20_mentors_4_coaches_2_examiners_2_coordinators() -> None:
    demo = seed001_roster()

    assert 18 <= len(demo.mentors) <= 22
    assert (len(demo.coaches), len(demo.examiners), len(demo.coordinators)) == (4, 2, 2)
    assert {p.agency for p in demo.coaches + demo.coordinators} == {DEMO_ORGANISER}


def test_seed001_nips_and_emails_are_unique() -> None:
    people = [p for _, p in seed001_roster().people()]

    assert len({p.nip for p in people}) == len(people)
    assert len({p.email for p in people}) == len(people)
    assert all(p.email.endswith(".go.id") for p in people)
    assert all(p.phone is not None and p.phone.startswith("+62 8") for p in people)


def test_seed001_participant_nips_are_plausible_for_2018_officials() -> None:
    for p in seed001_roster().participants:
        nip = parse_nip(p.nip)
        assert 1968 <= nip.birth_date.year <= 1985
        assert 1990 <= nip.appointment_year <= 2010
        assert (nip.appointment_year, nip.appointment_month) >= (
            nip.birth_date.year + 18,
            nip.birth_date.month,
        )


def test_seed001_has_both_genders() -> None:
    genders = Counter(parse_nip(p.nip).gender for p in seed001_roster().participants)
    assert genders["male"] > 0 and genders["female"] > 0


def test_seed001_every_participant_has_a_mentor_and_a_coach_that_resolve() -> None:
    demo = seed001_roster()
    for p in demo.participants:
        assert isinstance(p, RosterParticipant)
        mentor = demo.resolve(p.mentor, Role.MENTOR)
        assert mentor is not None and mentor.agency == p.agency and mentor.unit == p.unit
        assert p.coach is not None and demo.resolve(p.coach, Role.COACH) is not None
        assert p.project_title


def test_seed001_participants_share_one_mentor_per_agency_and_unit() -> None:
    demo = seed001_roster()
    mentors_of_unit: dict[tuple[str, str], set[str]] = {}
    for p in demo.participants:
        mentors_of_unit.setdefault((p.agency, p.unit), set()).add(p.mentor)

    assert all(len(m) == 1 for m in mentors_of_unit.values())
    assert len(mentors_of_unit) == len(demo.mentors)


def test_seed001_coaches_each_guide_one_group_of_ten() -> None:
    counts = Counter(p.coach for p in seed001_roster().participants)
    assert sorted(counts.values()) == [10, 10, 10, 10]


def test_seed001_validates_cleanly_and_is_deterministic() -> None:
    demo = seed001_roster()

    validate_roster(demo)
    assert demo == seed001_roster()
    assert DEMO_COHORT_CODE == "PIM3-XIII-2018" and DEMO_TIMEZONE == "Asia/Jayapura"


def test_a_coordinator_or_examiner_of_the_cohort_cannot_join_as_a_participant() -> None:
    demo = seed001_roster()
    subject = Roster(mentors=demo.mentors, coaches=demo.coaches, participants=demo.participants[:1])
    with pytest.raises(RosterError) as refused:
        validate_roster(subject, known_staff=[demo.participants[0].email])
    assert len(refused.value.problems_en) == 1
    assert "already a coordinator or examiner" in refused.value.problems_en[0]
    assert "koordinator atau penguji" in refused.value.problems[0]


def test_yaml_with_a_control_character_is_refused_on_one_line_naming_line_and_column() -> None:
    ids, ens = import_problems("participants:\n  - name: A\x1f\n", "yaml", "upload.yaml")

    assert ens == ["upload.yaml line 2, column 12: invalid YAML: special character #x001f is not allowed"]
    assert ids == [
        "upload.yaml baris 2, kolom 12: YAML tidak sah: karakter khusus #x001f tidak diizinkan"
    ]


def test_a_cohort_must_start_in_a_year_the_working_day_calendar_covers() -> None:
    from pydantic import ValidationError

    from domain.commands import CreateCohort

    for start in (date(1999, 12, 31), date(2100, 1, 1)):
        with pytest.raises(ValidationError):
            CreateCohort(
                actor_id=1, code="X-1", name="Angkatan X", programme_code="PKA",
                organiser="BPSDM", timezone="WIB", start_date=start,
            )
