"""Roster import: the people of a cohort by role, parsed from CSV or YAML and checked as a whole.

A roster lists a cohort's coordinators, mentors, coaches, examiners and participants. Each
participant names a mentor (and optionally a coach) by NIP or e-mail. Importing is all or
nothing, and a refused import reports *every* problem at once, in one
:class:`~domain.errors.RosterError` whose Indonesian and English problem lists have the same
length and order (each problem on one line):

* :func:`parse_roster` checks each record on its own (NIP, e-mail, required fields, unknown keys
  or columns, roles, YAML or CSV syntax) and builds a :class:`Roster` of the records without a
  problem, carrying the problems it found; it never refuses;
* :func:`validate_roster` reports those problems together with the ones between the records it
  could read and against the cohort (duplicate people, shared e-mail addresses, mentor and coach
  references, people already in the cohort).

Every problem starts with where it is:

* CSV: ``"roster.csv line 5, column nip"`` (``"baris 5, kolom nip"``) — physical line numbers of
  the text, the header being line 1 — and ``"roster.csv line 7"`` for a problem between records;
* YAML: ``"roster.yaml participants[3].nip (line 42)"`` — list indices count from **0**, as in a
  JSON path, over the records of the file; the line number (counting from 1) is added when it is
  known — and ``"roster.yaml participants[3] (line 40)"`` for a problem between records.

Pydantic's own English never reaches the user: each error type a record can produce
(:data:`EXPLAINED_ERRORS`) is told in both languages.

YAML rosters are a mapping with the lists ``coordinators``, ``mentors``, ``coaches``,
``examiners`` and ``participants`` (Indonesian keys ``koordinator``/``penyelenggara``,
``mentor``, ``coach``, ``penguji`` and ``peserta`` are accepted too). CSV rosters have a header
row and a ``role`` column (``participant``, ``mentor``, ``coach``, ``examiner``, ``coordinator``
or ``peserta``, ``penguji``, ``penyelenggara``/``koordinator``); the delimiter may be ``,``,
``;`` or a tab, and empty cells mean "absent".

This module is pure: it parses text it is given and never reads files.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from domain.errors import InvalidNIP, RosterError
from domain.model import Email
from domain.nip import NipStr, parse_nip
from domain.roles import Role

__all__ = [
    "CSV_COLUMNS",
    "EXPLAINED_ERRORS",
    "ROSTER_EXTENSIONS",
    "RecordPlace",
    "Roster",
    "RosterFormat",
    "RosterParticipant",
    "RosterPerson",
    "RosterProblem",
    "dump_roster",
    "parse_roster",
    "reference_key",
    "roster_format",
    "validate_roster",
]

RosterFormat = Literal["csv", "yaml"]

ROSTER_EXTENSIONS: Final[Mapping[str, RosterFormat]] = {
    ".csv": "csv",
    ".yaml": "yaml",
    ".yml": "yaml",
}
"""File extensions a roster may have, and the format each means."""

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "role",
    "nip",
    "name",
    "email",
    "agency",
    "unit",
    "phone",
    "mentor",
    "coach",
    "project_title",
    "lang",
)
"""The columns a CSV roster may have, in the order :func:`dump_roster` writes them."""

_REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("role", "nip", "name", "email", "agency")
_PARTICIPANT_ONLY: Final[tuple[str, ...]] = ("mentor", "coach", "project_title")

_CSV_COLUMN_ALIASES: Final[Mapping[str, str]] = {
    "peran": "role",
    "nama": "name",
    "instansi": "agency",
    "unit_kerja": "unit",
    "telepon": "phone",
    "judul_proyek": "project_title",
    "bahasa": "lang",
}

_ROLE_NAMES: Final[Mapping[str, Role]] = {
    "participant": Role.PARTICIPANT,
    "peserta": Role.PARTICIPANT,
    "mentor": Role.MENTOR,
    "coach": Role.COACH,
    "examiner": Role.EXAMINER,
    "penguji": Role.EXAMINER,
    "coordinator": Role.COORDINATOR,
    "koordinator": Role.COORDINATOR,
    "penyelenggara": Role.COORDINATOR,
}

_LIST_OF_ROLE: Final[Mapping[Role, str]] = {
    Role.COORDINATOR: "coordinators",
    Role.MENTOR: "mentors",
    Role.COACH: "coaches",
    Role.EXAMINER: "examiners",
    Role.PARTICIPANT: "participants",
}

_COMPARED: Final[tuple[str, ...]] = (*_LIST_OF_ROLE.values(), "problems", "unread_refs")
"""The fields two rosters are compared by (not where the records were in a file)."""

_YAML_KEYS: Final[Mapping[str, Role]] = {
    "coordinators": Role.COORDINATOR,
    "koordinator": Role.COORDINATOR,
    "penyelenggara": Role.COORDINATOR,
    "mentors": Role.MENTOR,
    "mentor": Role.MENTOR,
    "coaches": Role.COACH,
    "coach": Role.COACH,
    "examiners": Role.EXAMINER,
    "penguji": Role.EXAMINER,
    "participants": Role.PARTICIPANT,
    "peserta": Role.PARTICIPANT,
}

_ROLE_ID: Final[Mapping[Role, str]] = {
    Role.PARTICIPANT: "peserta",
    Role.MENTOR: "mentor",
    Role.COACH: "coach",
    Role.EXAMINER: "penguji",
    Role.COORDINATOR: "koordinator",
}

_Where = tuple[str, str]
"""A location in Indonesian and in English."""

_EMAIL_ADAPTER: Final[TypeAdapter[str]] = TypeAdapter(Email)
_NIP_SEPARATORS = re.compile(r"[\s.]")
_SPREADSHEET_NUMBER = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def reference_key(ref: str) -> str:
    """Normalise a reference to a person (an NIP or an e-mail address) for comparison.

    E-mail addresses are stripped and lower-cased; NIPs lose their spaces and dots (so
    ``"19800101 200501 1 001"`` and ``"198001012005011001"`` compare equal). Never raises: a
    reference that is neither is returned stripped of whitespace and dots.
    """
    ref = ref.strip()
    if "@" in ref:
        return ref.lower()
    try:
        return parse_nip(ref).value
    except InvalidNIP:
        return _NIP_SEPARATORS.sub("", ref)


def _check_reference(value: str) -> str:
    """Validate a mentor/coach reference: a valid NIP or e-mail address, normalised."""
    value = value.strip()
    if "@" in value:
        try:
            return _EMAIL_ADAPTER.validate_python(value)
        except ValidationError:
            raise PydanticCustomError(
                "invalid_reference",
                "{message}",
                {
                    "message": f"{value!r} is not a valid e-mail address",
                    "message_id": f"{value!r} bukan alamat e-mail yang sah",
                },
            ) from None
    try:
        return parse_nip(value).value
    except InvalidNIP as error:
        raise PydanticCustomError(
            "invalid_reference",
            "{message}",
            {
                "message": f"{value!r} is neither an e-mail address nor a valid NIP: "
                f"{error.message_en}",
                "message_id": f"{value!r} bukan alamat e-mail maupun NIP yang sah: "
                f"{error.message_id}",
            },
        ) from None


PersonRef = Annotated[str, AfterValidator(_check_reference)]
"""A reference to a person by NIP or e-mail, stored normalised (see :func:`reference_key`)."""


class RosterPerson(BaseModel):
    """One person as listed in a roster (before import; no database id)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    nip: NipStr
    name: str = Field(min_length=2, max_length=200)
    email: Email
    agency: str = Field(min_length=2, max_length=200)
    unit: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 \-]{6,19}$")
    lang: Literal["id", "en"] = "id"


class RosterParticipant(RosterPerson):
    """A participant: a person plus their mentor, optional coach and change-project title."""

    mentor: PersonRef
    """The mentor's NIP or e-mail address."""
    coach: PersonRef | None = None
    """The coach's NIP or e-mail address, if the organiser has assigned one yet."""
    project_title: str = Field(default="", max_length=500)


class RosterProblem(BaseModel):
    """One problem :func:`parse_roster` found, with its location, in both languages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """In Bahasa Indonesia, e.g. ``"roster.csv baris 5, kolom nip: NIP '123' tidak sah: …"``."""
    en: str
    """In English, e.g. ``"roster.csv line 5, column nip: NIP '123' is invalid: …"``."""


class RecordPlace(BaseModel):
    """Where a record was in its file, in both languages: in full (to start a problem) and short
    (to list several records inside one problem)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """E.g. ``"roster.csv baris 7"`` or ``"roster.yaml participants[2] (baris 12)"``."""
    en: str
    """E.g. ``"roster.csv line 7"`` or ``"roster.yaml participants[2] (line 12)"``."""
    short_id: str
    """E.g. ``"baris 7"`` or ``"participants[2] (baris 12)"``."""
    short_en: str
    """E.g. ``"line 7"`` or ``"participants[2] (line 12)"``."""


class Roster(BaseModel):
    """Everyone a roster lists, by role. Build it with :func:`parse_roster`.

    A parsed roster also carries what parsing found wrong: :attr:`problems` (the records they are
    in are left out of the lists) and :attr:`unread_refs`; :func:`validate_roster` reports them
    together with the problems between records, so a roster is only usable once it has passed
    :func:`validate_roster`. Two rosters are equal when they list the same people and have the
    same problems: where each record stood in its file (:attr:`places`) does not count.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    coordinators: list[RosterPerson] = Field(default_factory=list)
    mentors: list[RosterPerson] = Field(default_factory=list)
    coaches: list[RosterPerson] = Field(default_factory=list)
    examiners: list[RosterPerson] = Field(default_factory=list)
    participants: list[RosterParticipant] = Field(default_factory=list)
    problems: tuple[RosterProblem, ...] = ()
    """Problems found while parsing, in the order of the file."""
    unread_refs: frozenset[str] = frozenset()
    """NIPs and e-mails (as :func:`reference_key` gives them) of records that could not be read:
    a participant whose mentor or coach is one of them is not told that person is missing."""
    places: dict[str, list[RecordPlace]] = Field(default_factory=dict, exclude=True, repr=False)
    """Per list name (``participants``, …), where each of its records was in the file; empty for
    a roster built in code, whose records are then named ``participants[0]`` and so on."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Roster):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _COMPARED)


    def place(self, role: Role, index: int) -> RecordPlace:
        """Where the ``index``-th record of ``role``'s list was in its file."""
        name = _LIST_OF_ROLE[role]
        known = self.places.get(name, [])
        if index < len(known):
            return known[index]
        label = f"{name}[{index}]"
        return RecordPlace(id=label, en=label, short_id=label, short_en=label)

    def by_role(self, role: Role) -> list[RosterPerson]:
        """The people listed under ``role`` (participants are :class:`RosterParticipant`)."""
        people: list[RosterPerson] = list(getattr(self, _LIST_OF_ROLE[role]))
        return people

    def people(self) -> Iterator[tuple[Role, RosterPerson]]:
        """Every (role, person) pair: coordinators, mentors, coaches, examiners, participants.

        A person listed under two roles (a coach who is also an examiner) appears twice.
        """
        for role in _LIST_OF_ROLE:
            for person in self.by_role(role):
                yield role, person

    def resolve(self, ref: str, role: Role | None = None) -> RosterPerson | None:
        """Find a person by NIP (spaces and dots ignored) or e-mail (case ignored).

        With ``role``, only that role's list is searched. Returns the first match or ``None``.
        """
        key = reference_key(ref)
        for person_role, person in self.people():
            if role is not None and person_role is not role:
                continue
            if key in (person.nip, person.email):
                return person
        return None

    def is_empty(self) -> bool:
        """True if the roster lists nobody at all."""
        return next(self.people(), None) is None


# --------------------------------------------------------------------------------------------
# Collecting problems
# --------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """``text`` on one line: line breaks (and the spaces around them) become one space."""
    lines = [line.strip() for line in text.splitlines()]
    return " ".join(line for line in lines if line)


@dataclass
class _Problems:
    """Bilingual problems collected so far (two lists of the same length), each on one line."""

    id: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)

    def add(self, where: tuple[str, str], message_id: str, message_en: str) -> None:
        where_id, where_en = where
        self.id.append(_one_line(f"{where_id}: {message_id}" if where_id else message_id))
        self.en.append(_one_line(f"{where_en}: {message_en}" if where_en else message_en))

    def extend(self, found: Iterable[RosterProblem]) -> None:
        for problem in found:
            self.id.append(problem.id)
            self.en.append(problem.en)

    def __len__(self) -> int:
        return len(self.id)

    def as_tuple(self) -> tuple[RosterProblem, ...]:
        return tuple(RosterProblem(id=i, en=e) for i, e in zip(self.id, self.en, strict=True))

    def raise_if_any(self) -> None:
        if self.id:
            raise RosterError(self.id, self.en)


def _explain(error: ErrorDetails, allowed: Collection[str], *, csv_input: bool) -> tuple[str, str]:
    """Turn one pydantic error into a bilingual message (without its location).

    Every error type a roster record can produce (see :data:`EXPLAINED_ERRORS`) has its own
    sentence in both languages; pydantic's own English text is never shown. Any other type,
    which a record should not be able to produce, is named by its code.
    """
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    loc = error["loc"]
    name = str(loc[-1]) if loc else ""
    value = error.get("input")
    if kind == "invalid_nip":
        if isinstance(value, str) and _SPREADSHEET_NUMBER.match(value.strip()):
            return (
                f"NIP {value!r} tampaknya diubah menjadi angka oleh aplikasi lembar kerja; "
                "format kolom NIP sebagai teks lalu ketik ulang NIP-nya",
                f"NIP {value!r} looks like a spreadsheet turned it into a number; format the "
                "NIP column as text and type the NIPs again",
            )
        return (
            f"NIP {value!r} tidak sah: {ctx['message_id']}",
            f"NIP {value!r} is invalid: {ctx['message']}",
        )
    if "message_id" in ctx:  # invalid_reference and other errors raised with both texts
        return str(ctx["message_id"]), str(ctx["message"])
    if kind == "missing":
        return "wajib diisi", "is required"
    if kind == "extra_forbidden":
        what_id, what_en = ("kolom", "column") if csv_input else ("kunci", "key")
        names = ", ".join(allowed)
        return (
            f"{what_id} '{name}' tidak dikenal; yang diizinkan: {names}",
            f"unknown {what_en} '{name}'; allowed: {names}",
        )
    if kind == "value_error":
        if name == "email":
            return (
                f"{value!r} bukan alamat e-mail yang sah",
                f"{value!r} is not a valid e-mail address",
            )
        return f"nilai {value!r} tidak sah", f"value {value!r} is invalid"
    if kind == "string_pattern_mismatch":
        if name == "phone":
            return (
                f"nomor telepon {value!r} tidak sah (contoh: +62 812 3456 7890)",
                f"phone number {value!r} is invalid (example: +62 812 3456 7890)",
            )
        pattern = ctx.get("pattern", "")
        return (
            f"nilai {value!r} tidak sesuai bentuk yang diharapkan ({pattern})",
            f"value {value!r} does not have the expected form ({pattern})",
        )
    if kind == "string_too_short":
        n = ctx.get("min_length")
        return f"terlalu pendek (minimal {n} karakter)", f"too short (at least {n} characters)"
    if kind == "string_too_long":
        n = ctx.get("max_length")
        return f"terlalu panjang (maksimal {n} karakter)", f"too long (at most {n} characters)"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        return (
            f"nilai {value!r} tidak diizinkan; yang diizinkan: {expected.replace(' or ', ' atau ')}",
            f"value {value!r} is not allowed; allowed: {expected}",
        )
    if kind == "string_type":
        return (
            "harus berupa teks (beri tanda kutip bila perlu)",
            "must be text (put it in quotes if needed)",
        )
    if kind == "string_unicode":
        return "bukan teks yang dapat dibaca (UTF-8)", "is not readable text (UTF-8)"
    return f"nilai tidak sah (jenis galat {kind})", f"invalid value (error type {kind})"


EXPLAINED_ERRORS: Final[frozenset[str]] = frozenset(
    {
        "invalid_nip",
        "invalid_reference",
        "missing",
        "extra_forbidden",
        "value_error",
        "string_pattern_mismatch",
        "string_too_short",
        "string_too_long",
        "literal_error",
        "string_type",
        "string_unicode",
    }
)
"""The pydantic error types a roster record can produce, each told in its own words."""


def _clean_record(raw: Mapping[Any, Any]) -> dict[str, Any]:
    """Keys as stripped strings; absent, null and empty values dropped; numbers as text."""
    record: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if isinstance(value, bool):
            record[str(key).strip()] = value
            continue
        if isinstance(value, int | float):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        record[str(key).strip()] = value
    return record


def _check_record(
    record: dict[str, Any],
    role: Role | None,
    problems: _Problems,
    where_field: Callable[[str], _Where],
    *,
    csv_input: bool,
    skip_missing: Collection[str] = (),
) -> RosterPerson | None:
    """Validate one record for ``role``; add its problems; return the person if it is valid.

    ``where_field(name)`` gives the bilingual location of a field. With ``role`` unknown the
    record is still checked as a plain person so that its other problems are reported.
    """
    model: type[RosterPerson] = RosterParticipant if role is Role.PARTICIPANT else RosterPerson
    allowed = list(model.model_fields)
    try:
        return model.model_validate(record)
    except ValidationError as error:
        for detail in error.errors():
            loc = detail["loc"]
            name = str(loc[0]) if loc else ""
            if detail["type"] == "missing" and name in skip_missing:
                continue
            message_id, message_en = _explain(detail, allowed, csv_input=csv_input)
            problems.add(where_field(name), message_id, message_en)
        return None


@dataclass
class _Read:
    """The records read so far: those without a problem of their own (with where each was), and
    the NIPs and e-mails of those with one."""

    people: dict[Role, list[RosterPerson]] = field(default_factory=lambda: defaultdict(list))
    places: dict[Role, list[RecordPlace]] = field(default_factory=lambda: defaultdict(list))
    unread: set[str] = field(default_factory=set)

    def keep(self, role: Role, person: RosterPerson, place: RecordPlace) -> None:
        self.people[role].append(person)
        self.places[role].append(place)

    def skip(self, record: Mapping[str, Any]) -> None:
        for name in ("nip", "email"):
            value = record.get(name)
            if isinstance(value, str) and value.strip():
                self.unread.add(reference_key(value))

    def roster(self, problems: _Problems) -> Roster:
        return Roster.model_validate(
            {
                **{_LIST_OF_ROLE[role]: people for role, people in self.people.items()},
                "places": {_LIST_OF_ROLE[role]: at for role, at in self.places.items()},
                "problems": problems.as_tuple(),
                "unread_refs": frozenset(self.unread),
            }
        )


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _csv_delimiter(text: str) -> str:
    """Guess the delimiter from the header line: ``;`` or tab if they outnumber commas."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _parse_csv(text: str, source: str, problems: _Problems) -> _Read:
    read = _Read()
    reader = csv.reader(io.StringIO(text), delimiter=_csv_delimiter(text))

    def at(line: int, column: str = "") -> _Where:
        if column:
            return (
                f"{source} baris {line}, kolom {column}",
                f"{source} line {line}, column {column}",
            )
        return f"{source} baris {line}", f"{source} line {line}"

    header: list[str] | None = None
    header_line = 1
    missing_columns: set[str] = set()
    participant_seen = False
    line = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.add(
                at(reader.line_num or start),
                f"CSV tidak sah: {error}",
                f"invalid CSV: {error}",
            )
            return read
        line = start
        if not any(cell.strip() for cell in row):
            continue

        if header is None:
            header_line = line
            header = []
            for index, cell in enumerate(row, start=1):
                name = cell.strip().lower().replace(" ", "_")
                name = _CSV_COLUMN_ALIASES.get(name, name)
                if not name:
                    problems.add(
                        at(line),
                        f"kolom ke-{index} di baris judul tidak bernama",
                        f"column {index} of the header row has no name",
                    )
                elif name not in CSV_COLUMNS:
                    problems.add(
                        at(line),
                        f"kolom '{cell.strip()}' tidak dikenal; yang diizinkan: "
                        + ", ".join(CSV_COLUMNS),
                        f"unknown column '{cell.strip()}'; allowed: " + ", ".join(CSV_COLUMNS),
                    )
                elif name in header:
                    problems.add(
                        at(line),
                        f"kolom '{name}' muncul dua kali di baris judul",
                        f"column '{name}' appears twice in the header row",
                    )
                header.append(name)
            for name in _REQUIRED_COLUMNS:
                if name not in header:
                    missing_columns.add(name)
                    problems.add(
                        at(line),
                        f"kolom wajib '{name}' tidak ada di baris judul",
                        f"required column '{name}' is missing from the header row",
                    )
            if "mentor" not in header:
                missing_columns.add("mentor")
            continue

        found_before = len(problems)
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            problems.add(
                at(line),
                f"baris ini berisi {len(row)} sel, lebih banyak daripada {len(header)} kolom "
                "di baris judul",
                f"this row has {len(row)} cells, more than the {len(header)} columns of the "
                "header row",
            )
        raw = {
            name: cell
            for name, cell in zip(header, row, strict=False)
            if name in CSV_COLUMNS and name != "role"
        }
        record = _clean_record(raw)
        role_column = header.index("role") if "role" in header else len(row)
        role_text = row[role_column].strip() if role_column < len(row) else ""
        role: Role | None = None
        if role_text:
            role = _ROLE_NAMES.get(role_text.lower())
            if role is None:
                problems.add(
                    at(line, "role"),
                    f"peran '{role_text}' tidak dikenal; yang diizinkan: participant, mentor, "
                    "coach, examiner, coordinator (atau peserta, penguji, penyelenggara)",
                    f"unknown role '{role_text}'; allowed: participant, mentor, coach, "
                    "examiner, coordinator (or peserta, penguji, penyelenggara)",
                )
        elif "role" in header:
            problems.add(at(line, "role"), "wajib diisi", "is required")

        if role is Role.PARTICIPANT:
            participant_seen = True
        elif role is not None:
            for name in _PARTICIPANT_ONLY:
                if name in record:
                    del record[name]
                    problems.add(
                        at(line, name),
                        f"kolom ini hanya untuk peserta, bukan untuk {_ROLE_ID[role]}",
                        f"this column is only for participants, not for a {role.value}",
                    )
        else:
            for name in _PARTICIPANT_ONLY:
                record.pop(name, None)

        def where_field(name: str, line: int = line) -> _Where:
            return at(line, name)

        person = _check_record(
            record,
            role,
            problems,
            where_field,
            csv_input=True,
            skip_missing=missing_columns,
        )
        if person is not None and role is not None and len(problems) == found_before:
            read.keep(
                role,
                person,
                RecordPlace(
                    id=f"{source} baris {line}",
                    en=f"{source} line {line}",
                    short_id=f"baris {line}",
                    short_en=f"line {line}",
                ),
            )
        else:
            read.skip(record)

    if header is None:
        problems.add(
            (source, source),
            "CSV kosong: baris judul tidak ada (kolom wajib: " + ", ".join(_REQUIRED_COLUMNS) + ")",
            "empty CSV: there is no header row (required columns: "
            + ", ".join(_REQUIRED_COLUMNS)
            + ")",
        )
    elif participant_seen and "mentor" not in header:
        problems.add(
            at(header_line),
            "kolom 'mentor' tidak ada di baris judul, padahal wajib untuk peserta",
            "column 'mentor' is missing from the header row; it is required for participants",
        )
    return read


# --------------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------------


def _yaml_lines(
    node: yaml.Node | None, source: str, problems: _Problems, flawed: set[tuple[str, int]]
) -> dict[tuple[Any, ...], int]:
    """Line numbers (from 1) of a roster document's keys and list items; flags duplicate keys
    (adding the list items that repeat a key to ``flawed``)."""
    lines: dict[tuple[Any, ...], int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines

    def duplicate(line: int, path: str, key: str) -> None:
        problems.add(
            (f"{source} {path} (baris {line})", f"{source} {path} (line {line})"),
            f"kunci '{key}' muncul dua kali",
            f"key '{key}' appears twice",
        )

    seen_top: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in seen_top:
            duplicate(line, key, key)
        seen_top.add(key)
        lines[(key,)] = line
        if not isinstance(value_node, yaml.SequenceNode):
            continue
        for index, item in enumerate(value_node.value):
            lines[(key, index)] = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                continue
            seen: set[str] = set()
            for field_node, _ in item.value:
                name = str(field_node.value)
                field_line = field_node.start_mark.line + 1
                if name in seen:
                    duplicate(field_line, f"{key}[{index}]", name)
                    flawed.add((key, index))
                seen.add(name)
                lines[(key, index, name)] = field_line
    return lines


def _text_position(text: str, position: int, source: str) -> _Where:
    """The line and column (from 1) of a character offset in ``text``, as a location."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"{source} baris {line}, kolom {column}", f"{source} line {line}, column {column}"


def _load_yaml(text: str, source: str, problems: _Problems) -> tuple[Any, yaml.Node | None]:
    """The YAML document and its node tree; ``(None, None)`` after adding a syntax problem."""
    try:
        loader = yaml.SafeLoader(text)  # refuses control characters already
    except yaml.reader.ReaderError as error:
        char = error.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        problems.add(
            _text_position(text, error.position, source),
            f"YAML tidak sah: karakter khusus {shown} tidak diizinkan",
            f"invalid YAML: special character {shown} is not allowed",
        )
        return None, None
    except yaml.YAMLError as error:
        problems.add((source, source), f"YAML tidak sah: {error}", f"invalid YAML: {error}")
        return None, None
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        parts = [getattr(error, "context", None), getattr(error, "problem", None)]
        reason = ", ".join(str(part) for part in parts if part) or str(error)
        if mark is not None:
            where = (
                f"{source} baris {mark.line + 1}, kolom {mark.column + 1}",
                f"{source} line {mark.line + 1}, column {mark.column + 1}",
            )
        else:
            where = (source, source)
        problems.add(where, f"YAML tidak sah: {reason}", f"invalid YAML: {reason}")
        return None, None
    finally:
        loader.dispose()


def _skip_items(read: _Read, value: Any) -> None:
    """Remember the people of a list that is not read at all (under a wrong or repeated key)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                read.skip(_clean_record(item))


def _parse_yaml(text: str, source: str, problems: _Problems) -> _Read:
    read = _Read()
    data, node = _load_yaml(text, source, problems)
    if data is None:
        return read
    if not isinstance(data, dict):
        problems.add(
            (source, source),
            "tingkat teratas roster YAML harus berupa pemetaan (mapping) dengan daftar "
            f"participants, mentors, coaches, examiners, coordinators; ditemukan "
            f"{type(data).__name__}",
            "the top level of a YAML roster must be a mapping with the lists participants, "
            f"mentors, coaches, examiners, coordinators; found {type(data).__name__}",
        )
        return read

    flawed: set[tuple[str, int]] = set()
    lines = _yaml_lines(node, source, problems, flawed)

    def at(path: tuple[Any, ...], label: str) -> _Where:
        line = lines.get(path)
        if line is None:
            return f"{source} {label}", f"{source} {label}"
        return f"{source} {label} (baris {line})", f"{source} {label} (line {line})"

    used: dict[Role, str] = {}
    for raw_key, value in data.items():
        key = str(raw_key)
        role = _YAML_KEYS.get(key.strip().lower())
        if role is None:
            allowed = ", ".join(_LIST_OF_ROLE.values())
            problems.add(
                at((key,), key),
                f"kunci '{key}' tidak dikenal; yang diizinkan: {allowed} (atau koordinator, "
                "mentor, coach, penguji, peserta)",
                f"unknown key '{key}'; allowed: {allowed} (or koordinator, mentor, coach, "
                "penguji, peserta)",
            )
            _skip_items(read, value)
            continue
        if role in used:
            problems.add(
                at((key,), key),
                f"daftar {_LIST_OF_ROLE[role]} sudah diberikan dengan kunci '{used[role]}'",
                f"the {_LIST_OF_ROLE[role]} list is already given under the key '{used[role]}'",
            )
            _skip_items(read, value)
            continue
        used[role] = key
        list_name = _LIST_OF_ROLE[role]
        if value is None:
            continue
        if not isinstance(value, list):
            problems.add(
                at((key,), list_name),
                f"harus berupa daftar (list); ditemukan {type(value).__name__}",
                f"must be a list; found {type(value).__name__}",
            )
            continue
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                problems.add(
                    at((key, index), f"{list_name}[{index}]"),
                    "setiap orang harus berupa pemetaan (nama_kunci: nilai)",
                    "each person must be a mapping (key: value)",
                )
                continue

            def where_field(
                name: str, key: str = key, index: int = index, list_name: str = list_name
            ) -> _Where:
                path = (key, index, name) if (key, index, name) in lines else (key, index)
                return at(path, f"{list_name}[{index}].{name}")

            record = _clean_record(item)
            person = _check_record(record, role, problems, where_field, csv_input=False)
            if person is None or (key, index) in flawed:
                read.skip(record)
                continue
            label = f"{list_name}[{index}]"
            line = lines.get((key, index))
            suffix_id = "" if line is None else f" (baris {line})"
            suffix_en = "" if line is None else f" (line {line})"
            read.keep(
                role,
                person,
                RecordPlace(
                    id=f"{source} {label}{suffix_id}",
                    en=f"{source} {label}{suffix_en}",
                    short_id=f"{label}{suffix_id}",
                    short_en=f"{label}{suffix_en}",
                ),
            )
    return read


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def roster_format(filename: str) -> RosterFormat:
    """The roster format a file name implies: ``.csv`` → csv, ``.yaml``/``.yml`` → yaml.

    Raises :class:`~domain.errors.RosterError` naming the allowed extensions otherwise.
    """
    suffix = PurePath(filename).suffix.lower()
    fmt = ROSTER_EXTENSIONS.get(suffix)
    if fmt is None:
        allowed = ", ".join(ROSTER_EXTENSIONS)
        shown = suffix or "(tanpa ekstensi)"
        shown_en = suffix or "(none)"
        raise RosterError(
            [f"{filename}: ekstensi {shown} tidak didukung untuk roster; gunakan {allowed}"],
            [f"{filename}: extension {shown_en} is not supported for a roster; use {allowed}"],
        )
    return fmt


def parse_roster(text: str, fmt: RosterFormat, source: str = "roster") -> Roster:
    """Parse a roster in ``fmt`` ("csv" or "yaml"); ``source`` names it in problems.

    Checks each record on its own and collects every problem with its location (see the module
    docstring) into :attr:`Roster.problems`; a record with a problem is left out of the lists.
    Never refuses: :func:`validate_roster` reports these problems together with those between
    the records, so pass the result through it before using it.
    """
    problems = _Problems()
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        read = _parse_csv(text, source, problems)
    elif fmt == "yaml":
        read = _parse_yaml(text, source, problems)
    else:  # pragma: no cover - guarded by the type, kept for callers without a type checker
        raise RosterError(
            [f"format roster '{fmt}' tidak dikenal; gunakan csv atau yaml"],
            [f"unknown roster format '{fmt}'; use csv or yaml"],
        )
    return read.roster(problems)


def _who(person: RosterPerson) -> str:
    return f"{person.name} (NIP {person.nip})"


_PLURAL_EN = {Role.MENTOR: "mentors", Role.COACH: "coaches"}


def validate_roster(
    roster: Roster,
    *,
    known_mentors: Collection[str] = (),
    known_coaches: Collection[str] = (),
    existing_participants: Collection[str] = (),
    known_staff: Collection[str] = (),
) -> None:
    """Report every problem of a roster at once: those :func:`parse_roster` found in its records,
    then those between its records and against the cohort they join.

    The checks between records run on the records that were read; a record with a problem of its
    own is left out of them (its own problem is reported), and a participant whose mentor or
    coach is such a record is not told that person is missing. Problems name their record as
    parsing did: ``roster.csv line 7`` for CSV, ``roster.yaml participants[2] (line 12)`` for
    YAML, ``participants[2]`` for a roster built in code.

    ``known_staff`` are NIPs or e-mails of the cohort's coordinators and examiners: none of them
    may join as a participant.

    ``known_mentors`` and ``known_coaches`` are NIPs or e-mails of the cohort's existing mentors
    and coaches (participants may refer to them); ``existing_participants`` are NIPs of the
    cohort's participants. Refused: a roster with problems in its records; an empty roster; a
    person listed twice in the same list; a participant who also holds another role (a
    participant may not be a mentor, coach, examiner or coordinator of the same cohort — holding
    two of those other roles, such as coach and examiner, is fine); one NIP with different names
    or e-mails; one e-mail on two NIPs; a mentor or coach reference that matches nobody in that
    role; a participant who is their own mentor or coach; a participant already in the cohort or
    already one of its mentors or coaches; a mentor who is already a participant of the cohort.
    Collects every problem and raises one :class:`~domain.errors.RosterError`; returns ``None``
    when the roster is fine.
    """
    problems = _Problems()
    problems.extend(roster.problems)
    if roster.is_empty():
        if not roster.problems:
            problems.add(
                ("", ""),
                "roster kosong: tidak ada peserta, mentor, coach, penguji, maupun koordinator",
                "empty roster: no participants, mentors, coaches, examiners or coordinators",
            )
        problems.raise_if_any()
    _check_between_records(
        roster,
        problems,
        known_mentors=known_mentors,
        known_coaches=known_coaches,
        existing_participants=existing_participants,
        known_staff=known_staff,
    )
    problems.raise_if_any()


def _at(roster: Roster, role: Role, index: int) -> _Where:
    place = roster.place(role, index)
    return place.id, place.en


def _short(roster: Roster, role: Role, index: int) -> _Where:
    place = roster.place(role, index)
    return place.short_id, place.short_en


def _check_between_records(
    roster: Roster,
    problems: _Problems,
    *,
    known_mentors: Collection[str],
    known_coaches: Collection[str],
    existing_participants: Collection[str],
    known_staff: Collection[str],
) -> None:
    """Add the problems between the roster's records, and against the cohort, to ``problems``."""
    entries: dict[str, list[tuple[Role, int, RosterPerson]]] = defaultdict(list)
    for role in _LIST_OF_ROLE:
        for index, person in enumerate(roster.by_role(role)):
            entries[person.nip].append((role, index, person))

    for nip, listed in entries.items():
        first_role, first_index, first = listed[0]
        by_role: dict[Role, list[int]] = defaultdict(list)
        for role, index, _ in listed:
            by_role[role].append(index)
        for role, indices in by_role.items():
            if len(indices) > 1:
                shorts = [_short(roster, role, i) for i in indices]
                places_id = ", ".join(s[0] for s in shorts)
                places_en = ", ".join(s[1] for s in shorts)
                problems.add(
                    _at(roster, role, indices[1]),
                    f"{_ROLE_ID[role]} {_who(first)} tercantum lebih dari sekali: {places_id}",
                    f"{role.value} {_who(first)} is listed more than once: {places_en}",
                )
        others = [r for r in by_role if r is not Role.PARTICIPANT]
        if Role.PARTICIPANT in by_role and others:
            names_id = ", ".join(_ROLE_ID[r] for r in others)
            names_en = ", ".join(r.value for r in others)
            problems.add(
                _at(roster, Role.PARTICIPANT, by_role[Role.PARTICIPANT][0]),
                f"{_who(first)} tercantum sebagai peserta dan juga sebagai {names_id}; peserta "
                "tidak boleh memegang peran lain dalam angkatan yang sama",
                f"{_who(first)} is listed as a participant and also as {names_en}; a "
                "participant may not hold another role in the same cohort",
            )
        variants = {(p.name, p.email) for _, _, p in listed}
        if len(variants) > 1:
            shown = [(_short(roster, r, i), p) for r, i, p in listed]
            problems.add(
                _at(roster, first_role, first_index),
                f"NIP {nip} tercantum dengan nama atau e-mail yang berbeda: "
                + "; ".join(f"{s[0]} {p.name} <{p.email}>" for s, p in shown),
                f"NIP {nip} is listed with different names or e-mails: "
                + "; ".join(f"{s[1]} {p.name} <{p.email}>" for s, p in shown),
            )

    nips_by_email: dict[str, dict[str, tuple[Role, int, RosterPerson]]] = defaultdict(dict)
    for nip, listed in entries.items():
        for role, index, person in listed:
            nips_by_email[person.email].setdefault(nip, (role, index, person))
    for email, holders in nips_by_email.items():
        if len(holders) > 1:
            shown = [(_short(roster, r, i), p) for r, i, p in holders.values()]
            role, index, _ = next(iter(holders.values()))
            problems.add(
                _at(roster, role, index),
                f"e-mail {email} dipakai oleh {len(holders)} NIP berbeda: "
                + "; ".join(f"{s[0]} {_who(p)}" for s, p in shown),
                f"e-mail {email} is used by {len(holders)} different NIPs: "
                + "; ".join(f"{s[1]} {_who(p)}" for s, p in shown),
            )

    known_mentor_keys = {reference_key(ref) for ref in known_mentors}
    known_coach_keys = {reference_key(ref) for ref in known_coaches}
    existing_keys = {reference_key(ref) for ref in existing_participants}
    mentor_keys = known_mentor_keys | {k for p in roster.mentors for k in (p.nip, p.email)}
    coach_keys = known_coach_keys | {k for p in roster.coaches for k in (p.nip, p.email)}
    participant_by_key = {k: p for p in roster.participants for k in (p.nip, p.email)}

    staff_keys = {reference_key(ref) for ref in known_staff}
    for role in _LIST_OF_ROLE:
        if role is Role.PARTICIPANT:
            continue
        for index, person in enumerate(roster.by_role(role)):
            if person.nip in existing_keys:
                problems.add(
                    _at(roster, role, index),
                    f"{_ROLE_ID[role]} {_who(person)} sudah menjadi peserta angkatan ini; peserta "
                    f"tidak boleh menjadi {_ROLE_ID[role]}",
                    f"{role.value} {_who(person)} is already a participant of this cohort; a "
                    f"participant may not be a {role.value}",
                )

    for index, participant in enumerate(roster.participants):
        where = _at(roster, Role.PARTICIPANT, index)
        who = _who(participant)
        own = {participant.nip, participant.email}
        if participant.nip in existing_keys:
            problems.add(
                where,
                f"peserta {who} sudah terdaftar dalam angkatan ini",
                f"participant {who} is already in this cohort",
            )
        if own & known_mentor_keys:
            problems.add(
                where,
                f"peserta {who} sudah menjadi mentor dalam angkatan ini; peserta tidak boleh "
                "menjadi mentor",
                f"participant {who} is already a mentor in this cohort; a participant may not "
                "be a mentor",
            )
        if own & staff_keys:
            problems.add(
                where,
                f"peserta {who} sudah menjadi koordinator atau penguji dalam angkatan ini",
                f"participant {who} is already a coordinator or examiner in this cohort",
            )
        if own & known_coach_keys:
            problems.add(
                where,
                f"peserta {who} sudah menjadi coach dalam angkatan ini",
                f"participant {who} is already a coach in this cohort",
            )

        refs: list[tuple[Role, str, set[str]]] = [(Role.MENTOR, participant.mentor, mentor_keys)]
        if participant.coach is not None:
            refs.append((Role.COACH, participant.coach, coach_keys))
        for role, ref, keys in refs:
            key = reference_key(ref)
            role_id = _ROLE_ID[role]
            if key in own:
                problems.add(
                    where,
                    f"peserta {who} tidak boleh menjadi {role_id} bagi dirinya sendiri",
                    f"participant {who} cannot be their own {role.value}",
                )
                continue
            other = participant_by_key.get(key)
            if other is not None:
                problems.add(
                    where,
                    f"{role_id} {ref} dari peserta {who} adalah peserta angkatan ini "
                    f"({other.name}); peserta tidak boleh menjadi {role_id}",
                    f"{role.value} {ref} of participant {who} is a participant of this cohort "
                    f"({other.name}); a participant may not be a {role.value}",
                )
                continue
            if key in keys or key in roster.unread_refs:
                continue
            found = roster.resolve(ref)
            hint_id = hint_en = ""
            if found is not None:
                held = [r for r, p in roster.people() if p.nip == found.nip]
                hint_id = (
                    f" ({found.name} tercantum sebagai "
                    + ", ".join(_ROLE_ID[r] for r in held)
                    + f", bukan {role_id})"
                )
                hint_en = (
                    f" ({found.name} is listed as "
                    + ", ".join(r.value for r in held)
                    + f", not as {role.value})"
                )
            problems.add(
                where,
                f"{role_id} {ref} dari peserta {who} tidak ada di roster maupun di antara "
                f"{role_id} angkatan{hint_id}",
                f"{role.value} {ref} of participant {who} is not in the roster nor among the "
                f"cohort's {_PLURAL_EN[role]}{hint_en}",
            )


def dump_roster(roster: Roster, fmt: RosterFormat) -> str:
    """Write a roster as CSV or YAML text that :func:`parse_roster` reads back unchanged.

    Default values (an empty unit, ``lang: id``, no phone) are left out of the YAML; the CSV has
    every column of :data:`CSV_COLUMNS`.
    """
    if fmt == "yaml":
        data = {
            _LIST_OF_ROLE[role]: [
                person.model_dump(exclude_defaults=True) for person in roster.by_role(role)
            ]
            for role in _LIST_OF_ROLE
            if roster.by_role(role)
        }
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for role, person in roster.people():
        values = person.model_dump()
        values["role"] = role.value
        writer.writerow(["" if values.get(c) is None else values.get(c, "") for c in CSV_COLUMNS])
    return buffer.getvalue()
