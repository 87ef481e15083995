"""Benchmarking to Best Practice: host partners, groups and visits, and their rules (pure).

* A **host partner** (*mitra benchmarking*, *lokus*) is one unit of a host agency — e.g. Bappeda of
  Pemerintah Kota Tangerang — with its city and time zone, what participants study there, why it
  was chosen (awards, innovations) and a contact person. Host partners belong to a cohort.
* A **group** (*kelompok*) of a cohort has a code (I, II, …), a focus theme, its members (the
  participants' projects; one group per participant) and the host units it studies.
* A **visit** takes participants to a host agency in a city over one or more days, with agenda
  items per host unit (and group), and the mentors and committee who accompany them. A visit day on
  a weekend or public holiday in the host's time zone is a warning; a participant booked on two
  visits whose days overlap is an error. A visit that booked groups keeps their members as its
  participants until it ends: a change of a group's members changes those visits too.

Inputs arrive as *specs* (:class:`HostSpec`, :class:`GroupSpec`, :class:`VisitSpec`) that name
hosts, groups and people by code, NIP or e-mail, each with the location it came from (a line and
field of a plan file, or a command-line option); the service resolves them against the cohort and
reports every problem with its location.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.calendar import WorkingDayCalendar
from domain.model import TIMEZONES
from domain.problems import Problems, Where

__all__ = [
    "AgendaItem",
    "AgendaSpec",
    "BenchmarkPlan",
    "Companion",
    "Contact",
    "Group",
    "GroupReport",
    "GroupSpec",
    "HostPartner",
    "HostSpec",
    "Visit",
    "VisitSpec",
    "VisitStatus",
    "agenda_outside",
    "check_group",
    "check_host",
    "check_visit",
    "days_overlap",
    "normalise_timezone",
    "visit_day_warnings",
]

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
"""Codes of host partners, groups and visits: letters, digits, '.', '_' or '-', up to 40."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,19}$")


def normalise_timezone(value: str) -> str | None:
    """The IANA name of an Indonesian zone given as a name or as WIB/WITA/WIT; None if unknown."""
    by_label = {label: name for name, label in TIMEZONES.items()}
    name = by_label.get(value.strip().upper(), value.strip())
    return name if name in TIMEZONES else None


class _Entity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contact(_Entity):
    """The host's contact person for a visit."""

    name: str
    role: str = ""
    phone: str | None = None
    email: str | None = None


class HostPartner(_Entity):
    """One host unit of a host agency, as a cohort records it."""

    id: int
    cohort_id: int
    code: str
    agency: str
    unit: str
    city: str
    province: str = ""
    timezone: str
    focus: str = ""
    reasons: tuple[str, ...] = ()
    contact: Contact | None = None

    def label(self) -> str:
        """``unit, agency`` as people name it."""
        return f"{self.unit}, {self.agency}"


class Group(_Entity):
    """A benchmarking group of a cohort: its theme, members (project ids) and host units."""

    id: int
    cohort_id: int
    code: str
    theme: str
    host_ids: tuple[int, ...] = ()
    member_ids: tuple[int, ...] = ()


class GroupReport(_Entity):
    """A version of a group's report (e.g. ``laporan_benchmarking_kelompok``), stored by checksum."""

    id: int
    group_id: int
    number: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: int
    uploaded_at: datetime


class VisitStatus(StrEnum):
    """Where a visit stands on a given day."""

    PLANNED = "planned"
    UNDER_WAY = "under_way"
    DONE = "done"


class AgendaItem(_Entity):
    """One item of a visit's agenda: a day (and hours) at one host unit, for a group or all."""

    id: int
    visit_id: int
    day: date
    starts: time | None = None
    ends: time | None = None
    host_id: int
    group_id: int | None = None
    topic: str


class Companion(_Entity):
    """A mentor, coach, examiner or committee member travelling with the participants."""

    person_id: int
    role: str


class Visit(_Entity):
    """A benchmarking visit of a cohort."""

    id: int
    cohort_id: int
    code: str
    host_agency: str
    city: str
    timezone: str
    start_date: date
    end_date: date
    note: str = ""
    agenda: tuple[AgendaItem, ...] = ()
    participant_ids: tuple[int, ...] = ()
    companions: tuple[Companion, ...] = ()
    group_ids: tuple[int, ...] = ()
    """The groups the visit booked: their members are among its participants, and they follow
    the group while the visit has not ended (a member added to the group joins the visit, one
    removed from it leaves)."""

    def status(self, today: date) -> VisitStatus:
        """Planned before its first day, under way during it, done after its last day."""
        if today < self.start_date:
            return VisitStatus.PLANNED
        if today > self.end_date:
            return VisitStatus.DONE
        return VisitStatus.UNDER_WAY

    def days(self) -> list[date]:
        """Every calendar day of the visit."""
        return [
            self.start_date + timedelta(days=n)
            for n in range((self.end_date - self.start_date).days + 1)
        ]


# --- specs: what a coordinator gives, before it is resolved against the cohort -------------------


@dataclass(frozen=True)
class _Spec:
    """Where a spec came from: its own location (key "") and each field's."""

    where: dict[str, Where] = field(default_factory=dict, compare=False, kw_only=True)

    def at(self, name: str = "") -> Where:
        """The location of field ``name`` (of the spec itself when it has none of its own)."""
        return self.where.get(name) or self.where.get("", ("", ""))

    def at_item(self, name: str, item: str) -> Where:
        """The location of one ``item`` of list field ``name`` (a participant, a group …), where
        the source says; else the field's."""
        return self.where.get(f"{name}:{item}") or self.at(name)


@dataclass(frozen=True)
class HostSpec(_Spec):
    """A host partner to record."""

    code: str
    agency: str
    unit: str
    city: str
    timezone: str
    province: str = ""
    focus: str = ""
    reasons: tuple[str, ...] = ()
    contact: Contact | None = None


@dataclass(frozen=True)
class GroupSpec(_Spec):
    """A group to form: members by NIP or e-mail, host units by code."""

    code: str
    theme: str
    members: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaSpec(_Spec):
    """An agenda item: host unit by code, group by code (or all the visit's participants)."""

    day: date
    host: str
    topic: str
    starts: time | None = None
    ends: time | None = None
    group: str | None = None


@dataclass(frozen=True)
class VisitSpec(_Spec):
    """A visit to plan. Dates default to the agenda's first and last days; host agency, city and
    time zone to those of its agenda's host units. Participants are the members of ``groups``
    plus ``participants`` (NIP or e-mail); companions are cohort members (not participants)."""

    code: str
    start: date | None = None
    end: date | None = None
    host_agency: str = ""
    city: str = ""
    timezone: str = ""
    groups: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()
    agenda: tuple[AgendaSpec, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class BenchmarkPlan:
    """A benchmarking plan as imported from a file: host partners, groups and visits."""

    hosts: tuple[HostSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    visits: tuple[VisitSpec, ...] = ()
    source: str = "plan"

    def is_empty(self) -> bool:
        """True when the plan holds nothing."""
        return not (self.hosts or self.groups or self.visits)


# --- rules ---------------------------------------------------------------------------------------


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _check_code(problems: Problems, where: Where, code: str) -> None:
    if not CODE.match(code or ""):
        problems.add(
            where,
            f"kode {code!r} tidak sah (huruf, angka, '.', '_' atau '-', maksimal 40)",
            f"code {code!r} is invalid (letters, digits, '.', '_' or '-', at most 40)",
        )


def _required(problems: Problems, spec: _Spec, names: Iterable[tuple[str, str | None]]) -> None:
    for name, value in names:
        if _blank(value):
            problems.add(spec.at(name), "wajib diisi", "is required")


def _contact_at(spec: HostSpec, name: str) -> Where:
    """Where a contact's field came from: its own location if the spec has one, else the
    contact's."""
    return spec.where.get(name) or spec.at("contact")


def check_host(spec: HostSpec) -> Problems:
    """Problems of a host partner on its own: its code, the fields it needs, zone and contact."""
    out = Problems()
    _check_code(out, spec.at("code"), spec.code)
    _required(
        out,
        spec,
        (("agency", spec.agency), ("unit", spec.unit), ("city", spec.city)),
    )
    if normalise_timezone(spec.timezone or "") is None:
        out.add(
            spec.at("timezone"),
            f"zona waktu {spec.timezone!r} tidak dikenal (WIB, WITA, WIT)",
            f"unknown time zone {spec.timezone!r} (WIB, WITA, WIT)",
        )
    contact = spec.contact
    if contact is not None:
        if _blank(contact.name):
            out.add(
                _contact_at(spec, "contact_name"),
                "nama narahubung wajib diisi",
                "the contact's name is required",
            )
        if contact.email and not _EMAIL.match(contact.email):
            out.add(
                _contact_at(spec, "contact_email"),
                f"{contact.email!r} bukan alamat e-mail yang sah",
                f"{contact.email!r} is not a valid e-mail address",
            )
        if contact.phone and not _PHONE.match(contact.phone):
            out.add(
                _contact_at(spec, "contact_phone"),
                f"nomor telepon {contact.phone!r} tidak sah",
                f"phone number {contact.phone!r} is invalid",
            )
    return out


def check_group(spec: GroupSpec) -> Problems:
    """Problems of a group on its own: code, theme, and at least one member."""
    out = Problems()
    _check_code(out, spec.at("code"), spec.code)
    _required(out, spec, (("theme", spec.theme),))
    if not spec.members:
        out.add(
            spec.at("members"),
            f"kelompok {spec.code} tidak punya anggota; sebutkan minimal satu peserta",
            f"group {spec.code} has no members; name at least one participant",
        )
    return out


def check_visit(spec: VisitSpec) -> Problems:
    """Problems of a visit on its own: code, dates in order, agenda within the dates, hours in
    order, topics, and someone to go."""
    out = Problems()
    _check_code(out, spec.at("code"), spec.code)
    start, end = visit_dates(spec)
    if start is None or end is None:
        out.add(
            spec.at("start"),
            "tanggal kunjungan wajib diisi (atau berikan agenda)",
            "the visit's dates are required (or give its agenda)",
        )
    elif end < start:
        out.add(
            spec.at("end"),
            f"tanggal akhir {end} sebelum tanggal mulai {start}",
            f"the last day {end} is before the first day {start}",
        )
    for item in spec.agenda:
        if start is not None and end is not None and start <= end and not start <= item.day <= end:
            out.add(
                item.at("date"),
                f"hari agenda {item.day} di luar tanggal kunjungan ({start} s.d. {end})",
                f"agenda day {item.day} is outside the visit's dates ({start} to {end})",
            )
        if item.starts is not None and item.ends is not None and item.ends <= item.starts:
            out.add(
                item.at("end"),
                f"jam selesai {item.ends:%H:%M} tidak setelah jam mulai {item.starts:%H:%M}",
                f"the end {item.ends:%H:%M} is not after the start {item.starts:%H:%M}",
            )
        _required(out, item, (("topic", item.topic), ("host", item.host)))
    if not (spec.groups or spec.participants):
        out.add(
            spec.at("participants"),
            "kunjungan tanpa peserta; sebutkan kelompok atau peserta",
            "a visit with no participants; name groups or participants",
        )
    if spec.timezone and normalise_timezone(spec.timezone) is None:
        out.add(
            spec.at("timezone"),
            f"zona waktu {spec.timezone!r} tidak dikenal (WIB, WITA, WIT)",
            f"unknown time zone {spec.timezone!r} (WIB, WITA, WIT)",
        )
    return out


def visit_dates(spec: VisitSpec) -> tuple[date | None, date | None]:
    """A visit's first and last days: as given, else its agenda's first and last days."""
    days = [item.day for item in spec.agenda]
    start = spec.start or (min(days) if days else None)
    end = spec.end or (max(days) if days else None)
    return start, end


def agenda_outside(agenda: Iterable[AgendaItem], start: date, end: date) -> list[AgendaItem]:
    """The agenda items whose day falls outside ``start``..``end`` (new dates of a visit)."""
    return [item for item in agenda if not start <= item.day <= end]


def observed_hosts(project_id: int, groups: Iterable[Group], visits: Iterable[Visit]) -> set[int]:
    """The host partners a participant's project could have observed a practice at: the hosts
    of their group, and those on the agenda of visits they are booked on (items for everyone or
    for their group)."""
    mine = [g for g in groups if project_id in g.member_ids]
    group_ids = {g.id for g in mine}
    hosts = {h for g in mine for h in g.host_ids}
    for visit in visits:
        if project_id in visit.participant_ids:
            hosts |= {
                item.host_id
                for item in visit.agenda
                if item.group_id is None or item.group_id in group_ids
            }
    return hosts


def days_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Whether two runs of days (inclusive) share a day."""
    return a_start <= b_end and b_start <= a_end


def visit_day_warnings(
    calendar: WorkingDayCalendar, start: date, end: date
) -> list[tuple[str, str]]:
    """A warning, in both languages, for every day of a visit that is not a working day in the
    host's zone: a weekend, a public holiday or *cuti bersama*."""
    out: list[tuple[str, str]] = []
    day = start
    while day <= end:
        if not calendar.is_working_day(day):
            holiday = calendar.holiday_name(day)
            if holiday:
                out.append(
                    (
                        f"{day:%d-%m-%Y} adalah hari libur di {calendar.zone_label}: {holiday}",
                        f"{day:%d-%m-%Y} is a holiday in {calendar.zone_label}: {holiday}",
                    )
                )
            else:
                name_id = "Sabtu" if day.weekday() == 5 else "Minggu"
                name_en = "Saturday" if day.weekday() == 5 else "Sunday"
                out.append(
                    (
                        f"{day:%d-%m-%Y} adalah hari {name_id} (akhir pekan)",
                        f"{day:%d-%m-%Y} is a {name_en} (weekend)",
                    )
                )
        day += timedelta(days=1)
    return out
