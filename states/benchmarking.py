"""Planning Benchmarking to Best Practice: host partners, groups, group reports and visits.

Every write is one transaction on the cohort: checked by the policy (the cohort's coordinators
plan; a group's members and the coordinators upload its report), validated as a whole against the
cohort — every problem named with its location, and nothing stored unless there is none — then
written and recorded in the cohort's audit stream under its version check. A plan imported from a
file goes through exactly the same checks as the commands that plan one thing at a time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import structlog
from structlog.contextvars import bound_contextvars

from domain import policy
from domain.artifacts import check_uploads
from domain.bench_commands import (
    AddAgendaItem,
    CancelVisit,
    ChangeGroup,
    ChangeHost,
    ChangeVisit,
    FormGroup,
    ImportPlan,
    PlanVisit,
    RecordHost,
    RemoveHost,
    UploadGroupReport,
)
from domain.benchmarking import (
    AgendaSpec,
    BenchmarkPlan,
    Contact,
    Group,
    GroupReport,
    HostPartner,
    HostSpec,
    Visit,
    VisitStatus,
    agenda_outside,
    check_group,
    check_host,
    check_visit,
    days_overlap,
    normalise_timezone,
    visit_dates,
    visit_day_warnings,
)
from domain.errors import GuardFailed, NotFound, PlanError, ValidationFailed
from domain.model import Cohort
from domain.problems import Problems, Where
from domain.roles import Action, Role
from domain.roster import reference_key
from states.audit_trail import append_cohort_event
from states.engine import Engine
from states.ports import BenchmarkStore, NewAgendaItem, NewHost, NewVisit, UnitOfWork
from states.resolve import CohortIndex, cohort_for

log = structlog.get_logger("patok.benchmarking")

COMPANION_ROLES = frozenset({Role.MENTOR, Role.COACH, Role.EXAMINER, Role.COORDINATOR})
"""Who may accompany a visit: the cohort's mentors, coaches, examiners and committee."""


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """What a planning command stored, and its warnings (visit days that are not working days)."""

    event: str
    cohort: str
    hosts: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    warnings_id: list[str] = field(default_factory=list)
    warnings_en: list[str] = field(default_factory=list)

    def warnings(self, lang: str = "id") -> list[str]:
        """The warnings in the requested language."""
        return self.warnings_en if lang == "en" else self.warnings_id


@dataclass(frozen=True, slots=True)
class Overview:
    """A cohort's benchmarking: host partners, groups (with report versions) and visits."""

    cohort: Cohort
    hosts: list[HostPartner]
    groups: list[Group]
    reports: list[GroupReport]
    visits: list[Visit]
    index: CohortIndex
    today: date


@dataclass(frozen=True, slots=True)
class VisitOutcome:
    """A visit as a change left it (or as it was, when cancelled), and its warnings (visit days
    that are not working days at the host)."""

    event: str
    cohort: str
    visit: Visit
    warnings_id: list[str] = field(default_factory=list)
    warnings_en: list[str] = field(default_factory=list)

    def warnings(self, lang: str = "id") -> list[str]:
        """The warnings in the requested language."""
        return self.warnings_en if lang == "en" else self.warnings_id


def _field(name: str) -> Where:
    """A command's field as the location a problem names (the same in both languages: the API's
    and the forms' field names; never a command-line option)."""
    return name, name


def _known(codes: Sequence[str]) -> str:
    return ", ".join(sorted(codes)) or "-"


_REFUSED = ("Ditolak, tidak ada yang disimpan", "Refused, nothing was stored")


class _Check:
    """Resolves a plan against a cohort, collecting every problem with its location."""

    def __init__(
        self,
        engine: Engine,
        uow: UnitOfWork,
        index: CohortIndex,
    ) -> None:
        cohort_id = index.cohort.id
        assert cohort_id is not None
        self.engine = engine
        self.uow = uow
        self.index = index
        self.problems = Problems()
        self.warnings = Problems()
        self.hosts = {h.code: h for h in uow.benchmarking.hosts(cohort_id)}
        self.groups = {g.code: g for g in uow.benchmarking.groups(cohort_id)}
        self.visits = {v.code: v for v in uow.benchmarking.visits(cohort_id)}
        self.group_of: dict[int, str] = {
            pid: g.code for g in self.groups.values() for pid in g.member_ids
        }
        self.new_hosts: dict[str, NewHost] = {}
        self.new_groups: dict[str, tuple[str, list[int], list[str]]] = {}
        self.new_visits: list[tuple[NewVisit, list[AgendaSpec]]] = []
        self.visit_groups: dict[str, list[str]] = {}
        """The group codes each new visit books, by visit code."""

    # -- hosts --------------------------------------------------------------------------------

    def host(self, spec_code: str, where: Where) -> bool:
        """Whether a host code is known (recorded before or in this plan); a problem if not."""
        if spec_code in self.hosts or spec_code in self.new_hosts:
            return True
        self.problems.add(
            where,
            f"mitra benchmarking '{spec_code}' tidak dikenal; yang ada: "
            + _known([*self.hosts, *self.new_hosts]),
            f"unknown host partner '{spec_code}'; known: " + _known([*self.hosts, *self.new_hosts]),
        )
        return False

    def host_fields(self, code: str) -> tuple[str, str, str]:
        """(agency, city, time zone) of a known host code."""
        known = self.hosts.get(code)
        if known is not None:
            return known.agency, known.city, known.timezone
        new = self.new_hosts[code]
        return new.agency, new.city, new.timezone

    def add_hosts(self, plan: BenchmarkPlan) -> None:
        """Check the plan's host partners."""
        cohort_id = self.index.cohort.id
        assert cohort_id is not None
        for spec in plan.hosts:
            self.problems.id += (found := check_host(spec)).id
            self.problems.en += found.en
            if spec.code in self.hosts or spec.code in self.new_hosts:
                self.problems.add(
                    spec.at("code"),
                    f"mitra benchmarking '{spec.code}' sudah tercatat di angkatan ini",
                    f"host partner '{spec.code}' is already recorded in this cohort",
                )
                continue
            self.new_hosts[spec.code] = NewHost(
                cohort_id=cohort_id,
                code=spec.code,
                agency=spec.agency.strip(),
                unit=spec.unit.strip(),
                city=spec.city.strip(),
                province=spec.province.strip(),
                timezone=normalise_timezone(spec.timezone or "") or "Asia/Jakarta",
                focus=spec.focus.strip(),
                reasons=tuple(r.strip() for r in spec.reasons if r.strip()),
                contact=spec.contact,
            )

    # -- groups -------------------------------------------------------------------------------

    def group(self, code: str, where: Where) -> bool:
        """Whether a group code is known; a problem if not."""
        if code in self.groups or code in self.new_groups:
            return True
        self.problems.add(
            where,
            f"kelompok '{code}' tidak dikenal; yang ada: "
            + _known([*self.groups, *self.new_groups]),
            f"unknown group '{code}'; known: " + _known([*self.groups, *self.new_groups]),
        )
        return False

    def members_of(self, code: str) -> list[int]:
        """The member project ids of a known group code."""
        known = self.groups.get(code)
        return list(known.member_ids) if known is not None else self.new_groups[code][1]

    def member(self, ref: str, where: Where, group: str, taken: set[int]) -> int | None:
        """A new member of ``group``: a participant of the cohort in no other group."""
        pid = self.index.project(ref, where, self.problems)
        if pid is None:
            return None
        name = self.index.participant_name(pid)
        if pid in taken:
            self.problems.add(
                where,
                f"{name} tercantum dua kali di kelompok {group}",
                f"{name} is listed twice in group {group}",
            )
            return None
        other = self.group_of.get(pid)
        if other is not None and other != group:
            self.problems.add(
                where,
                f"{name} sudah menjadi anggota kelompok {other}",
                f"{name} is already a member of group {other}",
            )
            return None
        if other == group:
            self.problems.add(
                where,
                f"{name} sudah menjadi anggota kelompok {group}",
                f"{name} is already a member of group {group}",
            )
            return None
        taken.add(pid)
        return pid

    def add_groups(self, plan: BenchmarkPlan) -> None:
        """Check the plan's groups: members are the cohort's participants, in one group each."""
        for spec in plan.groups:
            found = check_group(spec)
            self.problems.id += found.id
            self.problems.en += found.en
            if spec.code in self.groups or spec.code in self.new_groups:
                self.problems.add(
                    spec.at("code"),
                    f"kelompok '{spec.code}' sudah ada di angkatan ini",
                    f"group '{spec.code}' already exists in this cohort",
                )
                continue
            taken: set[int] = set()
            members = [
                pid
                for ref in spec.members
                if (pid := self.member(ref, spec.at("members"), spec.code, taken)) is not None
            ]
            for pid in members:
                self.group_of[pid] = spec.code
            hosts = [h for h in dict.fromkeys(spec.hosts) if self.host(h, spec.at("hosts"))]
            self.new_groups[spec.code] = (spec.theme.strip(), members, hosts)

    # -- visits -------------------------------------------------------------------------------

    def agenda_item(self, item: AgendaSpec) -> bool:
        """Whether an agenda item's host and group are known (problems named if not)."""
        host_ok = bool(item.host.strip()) and self.host(item.host, item.at("host"))
        group_ok = item.group is None or self.group(item.group, item.at("group"))
        return host_ok and group_ok

    def add_visits(self, plan: BenchmarkPlan) -> None:
        """Check the plan's visits: hosts, groups and people known, and nobody booked twice."""
        cohort_id = self.index.cohort.id
        assert cohort_id is not None
        booked = self.bookings()
        for spec in plan.visits:
            found = check_visit(spec)
            self.problems.id += found.id
            self.problems.en += found.en
            if spec.code in self.visits or any(v.code == spec.code for v, _ in self.new_visits):
                self.problems.add(
                    spec.at("code"),
                    f"kunjungan '{spec.code}' sudah ada di angkatan ini",
                    f"visit '{spec.code}' already exists in this cohort",
                )
                continue
            agenda = [item for item in spec.agenda if self.agenda_item(item)]
            participants: dict[int, None] = {}
            booked_groups: list[str] = []
            for code in dict.fromkeys(spec.groups):
                if self.group(code, spec.at_item("groups", code)):
                    participants.update(dict.fromkeys(self.members_of(code)))
                    booked_groups.append(code)
            for ref in spec.participants:
                pid = self.index.project(ref, spec.at_item("participants", ref), self.problems)
                if pid is not None:
                    participants[pid] = None
            companions: dict[int, str] = {}
            for ref in spec.companions:
                staff = self.index.staff(
                    ref, spec.at_item("companions", ref), self.problems, COMPANION_ROLES
                )
                if staff is not None:
                    companions.setdefault(staff[0], staff[1].value)
            agency, city, zone = (
                self.host_fields(agenda[0].host) if agenda else ("", "", "Asia/Jakarta")
            )
            agency = spec.host_agency.strip() or agency
            city = spec.city.strip() or city
            chosen = normalise_timezone(spec.timezone) if spec.timezone else zone
            for name, value, what_id, what_en in (
                ("host", agency, "instansi tuan rumah", "the host agency"),
                ("city", city, "kota", "the city"),
            ):
                if not value and not spec.agenda:  # an unresolved agenda was named already
                    self.problems.add(
                        spec.at(name),
                        f"wajib diisi: {what_id} (atau berikan agenda di unit mitra)",
                        f"required: {what_en} (or give an agenda at a host unit)",
                    )
            start, end = visit_dates(spec)
            if start is None or end is None or end < start or chosen is None:
                continue  # check_visit has named the problem
            zone = chosen
            self.no_double_booking(
                spec.code, start, end, spec.at("participants"), participants, booked
            )
            for warning_id, warning_en in visit_day_warnings(
                self.engine.calendar(zone), start, end
            ):
                self.warnings.add(
                    (f"kunjungan {spec.code}", f"visit {spec.code}"), warning_id, warning_en
                )
            visit = NewVisit(
                cohort_id=cohort_id,
                code=spec.code,
                host_agency=agency,
                city=city,
                timezone=zone,
                start_date=start,
                end_date=end,
                note=spec.note.strip(),
                agenda=(),
                participant_ids=tuple(participants),
                companions=tuple(companions.items()),
            )
            self.new_visits.append((visit, agenda))
            self.visit_groups[spec.code] = booked_groups

    def no_double_booking(
        self,
        code: str,
        start: date,
        end: date,
        where: Where,
        participants: Mapping[int, None],
        booked: dict[int, list[tuple[str, date, date]]],
    ) -> None:
        """A problem for every participant already booked on a visit whose days overlap."""
        for pid in participants:
            person = self.index.projects[pid].participant_id
            for other, other_start, other_end in booked.get(person, []):
                if days_overlap(start, end, other_start, other_end):
                    name = self.index.participant_name(pid)
                    self.problems.add(
                        where,
                        f"{name} sudah terjadwal pada kunjungan {other} ({other_start:%d-%m-%Y} "
                        f"s.d. {other_end:%d-%m-%Y}), yang harinya bertumpang dengan kunjungan "
                        f"{code} ({start:%d-%m-%Y} s.d. {end:%d-%m-%Y})",
                        f"{name} is already booked on visit {other} ({other_start:%d-%m-%Y} to "
                        f"{other_end:%d-%m-%Y}), whose days overlap visit {code} "
                        f"({start:%d-%m-%Y} to {end:%d-%m-%Y})",
                    )
            booked.setdefault(person, []).append((code, start, end))

    def bookings(self, exclude_visit: int | None = None) -> dict[int, list[tuple[str, date, date]]]:
        """Who is booked on which visit already (in any cohort), by person; without the visit
        ``exclude_visit`` (the one being changed)."""
        people = sorted({p.participant_id for p in self.index.projects.values()})
        out: dict[int, list[tuple[str, date, date]]] = {}
        for b in self.uow.benchmarking.bookings(people):
            if b.visit_id == exclude_visit:
                continue
            label = (
                b.code
                if b.cohort_id == self.index.cohort.id
                else f"{b.code} (angkatan/cohort {b.cohort_id})"
            )
            out.setdefault(b.person_id, []).append((label, b.start_date, b.end_date))
        return out

    # -- writing ------------------------------------------------------------------------------

    def write(self) -> None:
        """Store everything checked, in order: hosts, groups, visits."""
        store = self.uow.benchmarking
        cohort_id = self.index.cohort.id
        assert cohort_id is not None
        host_ids = {code: h.id for code, h in self.hosts.items()}
        for code, new in self.new_hosts.items():
            host_ids[code] = store.add_host(new)
        group_ids = {code: g.id for code, g in self.groups.items()}
        for code, (theme, members, hosts) in self.new_groups.items():
            gid = group_ids[code] = store.add_group(cohort_id, code, theme)
            for pid in members:
                store.add_member(gid, cohort_id, pid)
            for host in hosts:
                store.add_group_host(gid, host_ids[host])
        for visit, agenda in self.new_visits:
            items = tuple(
                NewAgendaItem(
                    item.day,
                    item.starts,
                    item.ends,
                    host_ids[item.host],
                    group_ids[item.group] if item.group is not None else None,
                    item.topic.strip(),
                )
                for item in agenda
            )
            visit_id = store.add_visit(dataclasses.replace(visit, agenda=items))
            booked = [group_ids[code] for code in self.visit_groups.get(visit.code, [])]
            if booked:
                self.uow.benchmarking.set_visit_groups(visit_id, booked)

    def payload(self) -> dict[str, Any]:
        """What the audit entry records of this plan."""
        return {
            "hosts": sorted(self.new_hosts),
            "groups": {
                code: {
                    "theme": theme,
                    "members": [self.index.people[self.index.projects[p].participant_id].nip for p in members],
                    "hosts": hosts,
                }
                for code, (theme, members, hosts) in self.new_groups.items()
            },
            "visits": {
                v.code: {
                    "host": v.host_agency,
                    "city": v.city,
                    "from": v.start_date.isoformat(),
                    "to": v.end_date.isoformat(),
                    "participants": len(v.participant_ids),
                    "agenda": len(agenda),
                    "companions": len(v.companions),
                    "groups": self.visit_groups.get(v.code, []),
                }
                for v, agenda in self.new_visits
            },
        }  # fmt: skip


def _unchanged(cmd: ChangeVisit) -> bool:
    """Whether a change of a visit gives nothing to change."""
    fields = (cmd.start, cmd.end, cmd.host_agency, cmd.city, cmd.timezone, cmd.note)
    lists = (
        cmd.add_groups,
        cmd.remove_groups,
        cmd.add_participants,
        cmd.remove_participants,
        cmd.add_companions,
        cmd.remove_companions,
    )
    return all(f is None for f in fields) and not any(lists)


def _listed(items: Sequence[str], more: str, limit: int = 10) -> str:
    """Up to ``limit`` items joined with "; ", and how many more there are."""
    shown = "; ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} {more})" if len(items) > limit else "")


def _host_spec(host: HostPartner, cmd: ChangeHost) -> HostSpec:
    """A host partner as the change would leave it, to check like a new one: fields given
    replace the recorded ones; contact fields merge with the recorded contact."""

    def keep(new: str | None, old: str) -> str:
        return old if new is None else new

    contact = None if cmd.clear_contact else host.contact
    given = (cmd.contact_name, cmd.contact_role, cmd.contact_phone, cmd.contact_email)
    if any(v is not None for v in given):
        base = contact or Contact(name="")
        merged = Contact(
            name=keep(cmd.contact_name, base.name),
            role=keep(cmd.contact_role, base.role),
            phone=keep(cmd.contact_phone, base.phone or "").strip() or None,
            email=keep(cmd.contact_email, base.email or "").strip() or None,
        )
        filled = merged.name.strip() or merged.role.strip() or merged.phone or merged.email
        contact = merged if filled else None
    return HostSpec(
        code=host.code,
        agency=keep(cmd.agency, host.agency),
        unit=keep(cmd.unit, host.unit),
        city=keep(cmd.city, host.city),
        timezone=keep(cmd.timezone, host.timezone),
        province=keep(cmd.province, host.province),
        focus=keep(cmd.focus, host.focus),
        reasons=host.reasons if cmd.reasons is None else cmd.reasons,
        contact=contact,
        where={
            **{
                name: _field(name)
                for name in (
                    "code",
                    "agency",
                    "unit",
                    "city",
                    "timezone",
                    "contact_name",
                    "contact_phone",
                    "contact_email",
                )
            },
            "contact": _field("contact_name"),
        },
    )


class _VisitChange:
    """A change of one visit resolved against its cohort; problems go to the check's."""

    def __init__(self, check: _Check, visit: Visit, cmd: ChangeVisit) -> None:
        self.check = check
        self.visit = visit
        self.cmd = cmd
        self.problems = check.problems
        self.warnings = Problems()
        self.start = cmd.start or visit.start_date
        self.end = cmd.end or visit.end_date
        self.days_ok = True
        self.agency = visit.host_agency if cmd.host_agency is None else cmd.host_agency.strip()
        self.city = visit.city if cmd.city is None else cmd.city.strip()
        self.zone = visit.timezone
        self.note = visit.note if cmd.note is None else cmd.note.strip()
        self.groups: dict[int, None] = dict.fromkeys(visit.group_ids)
        self.participants: dict[int, None] = dict.fromkeys(visit.participant_ids)
        self.companions: dict[int, str] = {c.person_id: c.role for c in visit.companions}

    def resolve(self) -> None:
        """Work out the visit after the change, naming every problem."""
        self._place()
        self._days()
        self._groups()
        self._participants()
        self._companions()
        self._overlaps()

    def _place(self) -> None:
        for name, value, what_id, what_en in (
            ("host_agency", self.agency, "instansi tuan rumah", "the host agency"),
            ("city", self.city, "kota", "the city"),
        ):
            if not value:
                self.problems.add(_field(name), f"wajib diisi: {what_id}", f"required: {what_en}")
        if self.cmd.timezone is not None:
            zone = normalise_timezone(self.cmd.timezone)
            if zone is None:
                self.problems.add(
                    _field("timezone"),
                    f"zona waktu {self.cmd.timezone!r} tidak dikenal (WIB, WITA, WIT)",
                    f"unknown time zone {self.cmd.timezone!r} (WIB, WITA, WIT)",
                )
            else:
                self.zone = zone

    def _days(self) -> None:
        start, end = self.start, self.end
        if end < start:
            self.days_ok = False
            self.problems.add(
                _field("end" if self.cmd.end is not None else "start"),
                f"tanggal akhir {end:%d-%m-%Y} sebelum tanggal mulai {start:%d-%m-%Y}",
                f"the last day {end:%d-%m-%Y} is before the first day {start:%d-%m-%Y}",
            )
            return
        hosts = {h.id: h.code for h in self.check.hosts.values()}
        for item in agenda_outside(self.visit.agenda, start, end):
            host = hosts.get(item.host_id, "?")
            self.problems.add(
                _field("start" if item.day < start else "end"),
                f"agenda {item.day:%d-%m-%Y} di {host} ({item.topic}) di luar tanggal baru "
                f"{start:%d-%m-%Y} s.d. {end:%d-%m-%Y}",
                f"the agenda item on {item.day:%d-%m-%Y} at {host} ({item.topic}) falls outside "
                f"the new dates {start:%d-%m-%Y} to {end:%d-%m-%Y}",
            )

    def _booked_codes(self) -> str:
        codes = {g.id: g.code for g in self.check.groups.values()}
        return _known([codes[g] for g in self.visit.group_ids if g in codes])

    def _groups(self) -> None:
        code_of_visit = self.visit.code
        for code in dict.fromkeys(self.cmd.remove_groups):
            group = self.check.groups.get(code)
            if group is None:
                self.check.group(code, _field("remove_groups"))
            elif group.id not in self.groups:
                self.problems.add(
                    _field("remove_groups"),
                    f"kelompok {code} tidak dipesan pada kunjungan {code_of_visit} "
                    f"(yang dipesan: {self._booked_codes()})",
                    f"group {code} is not booked on visit {code_of_visit} "
                    f"(booked: {self._booked_codes()})",
                )
            else:
                del self.groups[group.id]
                for pid in group.member_ids:
                    self.participants.pop(pid, None)
        for code in dict.fromkeys(self.cmd.add_groups):
            group = self.check.groups.get(code)
            if group is None:
                self.check.group(code, _field("add_groups"))
            elif group.id in self.groups:
                self.problems.add(
                    _field("add_groups"),
                    f"kelompok {code} sudah dipesan pada kunjungan {code_of_visit}",
                    f"group {code} is booked on visit {code_of_visit} already",
                )
            else:
                self.groups[group.id] = None
                self.participants.update(dict.fromkeys(group.member_ids))

    def _participants(self) -> None:
        index, code = self.check.index, self.visit.code
        for ref in dict.fromkeys(self.cmd.remove_participants):
            pid = index.project(ref, _field("remove_participants"), self.problems)
            if pid is None:
                continue
            if pid not in self.visit.participant_ids:
                self.problems.add(
                    _field("remove_participants"),
                    f"{index.participant_name(pid)} bukan peserta kunjungan {code}",
                    f"{index.participant_name(pid)} is not a participant of visit {code}",
                )
            else:
                self.participants.pop(pid, None)
        for ref in dict.fromkeys(self.cmd.add_participants):
            pid = index.project(ref, _field("add_participants"), self.problems)
            if pid is None:
                continue
            if pid in self.participants:
                self.problems.add(
                    _field("add_participants"),
                    f"{index.participant_name(pid)} sudah menjadi peserta kunjungan {code}",
                    f"{index.participant_name(pid)} is a participant of visit {code} already",
                )
            else:
                self.participants[pid] = None
        if not self.participants:
            self.problems.add(
                _field("participants"),
                f"kunjungan {code} tidak boleh tanpa peserta; batalkan kunjungan bila tidak jadi",
                f"visit {code} may not be left with no participants; cancel the visit if it is "
                "called off",
            )

    def _companions(self) -> None:
        index, code = self.check.index, self.visit.code
        for ref in dict.fromkeys(self.cmd.remove_companions):
            pid = index.person_by_key.get(reference_key(ref))
            if pid is None or pid not in self.companions:
                self.problems.add(
                    _field("remove_companions"),
                    f"{ref} bukan pendamping kunjungan {code}",
                    f"{ref} is not a companion of visit {code}",
                )
            else:
                del self.companions[pid]
        for ref in dict.fromkeys(self.cmd.add_companions):
            staff = index.staff(ref, _field("add_companions"), self.problems, COMPANION_ROLES)
            if staff is None:
                continue
            if staff[0] in self.companions:
                self.problems.add(
                    _field("add_companions"),
                    f"{ref} sudah menjadi pendamping kunjungan {code}",
                    f"{ref} is a companion of visit {code} already",
                )
            else:
                self.companions[staff[0]] = staff[1].value

    def _overlaps(self) -> None:
        if not self.days_ok:
            return
        visit = self.visit
        moved = (self.start, self.end) != (visit.start_date, visit.end_date)
        joining = (
            self.participants
            if moved
            else dict.fromkeys(p for p in self.participants if p not in visit.participant_ids)
        )
        if joining:
            self.check.no_double_booking(
                visit.code,
                self.start,
                self.end,
                _field("participants"),
                joining,
                self.check.bookings(exclude_visit=visit.id),
            )
        if moved or self.zone != visit.timezone:
            calendar = self.check.engine.calendar(self.zone)
            for warning_id, warning_en in visit_day_warnings(calendar, self.start, self.end):
                self.warnings.add(
                    (f"kunjungan {visit.code}", f"visit {visit.code}"), warning_id, warning_en
                )

    def write(self, store: BenchmarkStore) -> None:
        """Store what changed."""
        v = self.visit
        place = (self.agency, self.city, self.zone, self.start, self.end, self.note)
        if place != (v.host_agency, v.city, v.timezone, v.start_date, v.end_date, v.note):
            store.update_visit(
                v.id,
                host_agency=self.agency,
                city=self.city,
                timezone=self.zone,
                start_date=self.start,
                end_date=self.end,
                note=self.note,
            )
        if set(self.participants) != set(v.participant_ids):
            store.set_visit_participants(v.id, sorted(self.participants))
        if self.companions != {c.person_id: c.role for c in v.companions}:
            store.set_visit_companions(v.id, sorted(self.companions.items()))
        if set(self.groups) != set(v.group_ids):
            store.set_visit_groups(v.id, sorted(self.groups))

    def payload(self) -> dict[str, Any]:
        """What the audit entry records of this change."""
        v, index = self.visit, self.check.index
        codes = {g.id: g.code for g in self.check.groups.values()}

        def nip(project_id: int) -> str:
            return index.people[index.projects[project_id].participant_id].nip

        def staff(person_id: int) -> str:
            person = index.people.get(person_id)
            return person.nip if person is not None else str(person_id)

        changed = {
            name: [old, new]
            for name, old, new in (
                ("host", v.host_agency, self.agency),
                ("city", v.city, self.city),
                ("timezone", v.timezone, self.zone),
                ("from", v.start_date.isoformat(), self.start.isoformat()),
                ("to", v.end_date.isoformat(), self.end.isoformat()),
                ("note", v.note, self.note),
            )
            if old != new
        }
        p_before, p_after = set(v.participant_ids), set(self.participants)
        c_before, c_after = {c.person_id for c in v.companions}, set(self.companions)
        g_before, g_after = set(v.group_ids), set(self.groups)
        return {
            "visit": v.code,
            "changed": changed,
            "groups_added": sorted(codes[g] for g in g_after - g_before),
            "groups_removed": sorted(codes[g] for g in g_before - g_after if g in codes),
            "participants_added": sorted(nip(p) for p in p_after - p_before),
            "participants_removed": sorted(nip(p) for p in p_before - p_after),
            "companions_added": sorted(staff(p) for p in c_after - c_before),
            "companions_removed": sorted(staff(p) for p in c_before - c_after),
        }


class Planning:
    """Host partners, groups, group reports and visits through the engine's units of work."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- writes -------------------------------------------------------------------------------

    def record_host(self, cmd: RecordHost) -> PlanOutcome:
        """Record a host partner of the cohort."""
        return self._plan(
            cmd.actor_id, cmd.cohort_code, BenchmarkPlan(hosts=(cmd.host,)), "host.recorded"
        )

    def form_group(self, cmd: FormGroup) -> PlanOutcome:
        """Form a group with its theme, members and host units."""
        return self._plan(
            cmd.actor_id, cmd.cohort_code, BenchmarkPlan(groups=(cmd.group,)), "group.formed"
        )

    def plan_visit(self, cmd: PlanVisit) -> PlanOutcome:
        """Plan a visit; its warnings name visit days that are not working days at the host."""
        return self._plan(
            cmd.actor_id, cmd.cohort_code, BenchmarkPlan(visits=(cmd.visit,)), "visit.planned"
        )

    def import_plan(self, cmd: ImportPlan) -> PlanOutcome:
        """Import a plan of hosts, groups and visits: all of it, or nothing."""
        if cmd.plan.is_empty():
            raise PlanError(
                [f"{cmd.plan.source}: rencana kosong (tidak ada hosts, groups, atau visits)"],
                [f"{cmd.plan.source}: the plan is empty (no hosts, groups or visits)"],
            )
        return self._plan(cmd.actor_id, cmd.cohort_code, cmd.plan, "plan.imported", whole=True)

    def _plan(
        self,
        actor_id: int,
        cohort_code: str,
        plan: BenchmarkPlan,
        event: str,
        *,
        whole: bool = False,
    ) -> PlanOutcome:
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cohort_code, actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            with bound_contextvars(cohort=cohort.code, actor=actor_id):
                check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
                check.add_hosts(plan)
                check.add_groups(plan)
                check.add_visits(plan)
                if check.problems:
                    if whole:
                        raise PlanError(check.problems.id, check.problems.en)
                    check.problems.raise_if_any(
                        "Ditolak, tidak ada yang disimpan", "Refused, nothing was stored"
                    )
                check.write()
                payload = check.payload()
                if whole:
                    payload["source"] = plan.source
                append_cohort_event(
                    uow, cohort.id, at=now, actor_id=actor_id, action=event, payload=payload
                )
                uow.commit()
                log.info(
                    "command.applied",
                    action=event,
                    hosts=len(check.new_hosts),
                    groups=len(check.new_groups),
                    visits=len(check.new_visits),
                )
        return PlanOutcome(
            event,
            cohort.code,
            sorted(check.new_hosts),
            list(check.new_groups),
            [v.code for v, _ in check.new_visits],
            check.warnings.id,
            check.warnings.en,
        )

    def _today(self, cohort: Cohort) -> date:
        """Today in the cohort's zone."""
        return self._engine.calendar(cohort.timezone).local_date(self._engine.clock.now())

    def change_group(self, cmd: ChangeGroup) -> Group:
        """Change a group's theme, members or host units; a group never ends up without members.

        The visits that booked the group and have not ended follow its members: a member added
        joins them, a member removed leaves them. A change that would book a new member on a
        visit whose days overlap another visit of theirs is refused, and nothing is stored."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
            group = check.groups.get(cmd.code)
            if group is None:
                raise NotFound(
                    f"Kelompok '{cmd.code}' tidak ada; yang ada: {_known(list(check.groups))}",
                    f"Group '{cmd.code}' not found; known: {_known(list(check.groups))}",
                )
            problems = check.problems
            if cmd.theme is not None and not cmd.theme.strip():
                problems.add(
                    _field("theme"), "tema tidak boleh kosong", "the theme may not be empty"
                )
            taken: set[int] = set(group.member_ids)
            added = [
                pid
                for ref in cmd.add_members
                if (pid := check.member(ref, _field("add_members"), cmd.code, set())) is not None
                and pid not in taken
            ]
            removed: list[int] = []
            for ref in cmd.remove_members:
                pid = check.index.project(ref, _field("remove_members"), problems)
                if pid is not None and pid not in group.member_ids:
                    problems.add(
                        _field("remove_members"),
                        f"{check.index.participant_name(pid)} bukan anggota kelompok {cmd.code}",
                        f"{check.index.participant_name(pid)} is not a member of group {cmd.code}",
                    )
                elif pid is not None:
                    removed.append(pid)
            remaining = (set(group.member_ids) | set(added)) - set(removed)
            if not remaining:
                problems.add(
                    _field("remove_members"),
                    f"kelompok {cmd.code} tidak boleh tanpa anggota",
                    f"group {cmd.code} may not be left with no members",
                )
            hosts_by_code = {h.code: h.id for h in check.hosts.values()}
            add_hosts = [h for h in cmd.add_hosts if check.host(h, _field("add_hosts"))]
            own_codes = {c for c, hid in hosts_by_code.items() if hid in group.host_ids}
            for code in cmd.remove_hosts:
                if code not in own_codes:
                    problems.add(
                        _field("remove_hosts"),
                        f"'{code}' bukan unit mitra kelompok {cmd.code} ({_known(list(own_codes))})",
                        f"'{code}' is not a host unit of group {cmd.code} ({_known(list(own_codes))})",
                    )
            today = self._today(cohort)
            following = [
                v
                for v in check.visits.values()
                if group.id in v.group_ids and v.status(today) is not VisitStatus.DONE
            ]
            if added and following:
                booked = check.bookings()
                for v in following:
                    joining = dict.fromkeys(p for p in added if p not in v.participant_ids)
                    check.no_double_booking(
                        v.code, v.start_date, v.end_date, _field("add_members"), joining, booked
                    )
            problems.raise_if_any(*_REFUSED)
            store = uow.benchmarking
            if cmd.theme is not None:
                store.set_theme(group.id, cmd.theme.strip())
            for pid in removed:
                store.remove_member(group.id, pid)
            for pid in added:
                store.add_member(group.id, cohort.id, pid)
            for code in add_hosts:
                store.add_group_host(group.id, hosts_by_code[code])
            for code in cmd.remove_hosts:
                store.remove_group_host(group.id, hosts_by_code[code])
            nip = {
                pid: check.index.people[check.index.projects[pid].participant_id].nip
                for pid in check.index.projects
            }
            visits: dict[str, dict[str, list[str]]] = {}
            for v in following:
                before = set(v.participant_ids)
                after = (before - set(removed)) | set(added)
                if after != before:
                    uow.benchmarking.set_visit_participants(v.id, sorted(after))
                    visits[v.code] = {
                        "joined": [nip[p] for p in sorted(after - before)],
                        "left": [nip[p] for p in sorted(before - after)],
                    }
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="group.changed",
                payload={
                    "group": cmd.code,
                    "theme": cmd.theme,
                    "added": [nip[p] for p in added],
                    "removed": [nip[p] for p in removed],
                    "hosts_added": list(add_hosts),
                    "hosts_removed": list(cmd.remove_hosts),
                    "visits": visits,
                },
            )
            changed = next(g for g in store.groups(cohort.id) if g.id == group.id)
            uow.commit()
        log.info(
            "command.applied",
            action="group.changed",
            cohort=cohort.code,
            group=cmd.code,
            visits=sorted(visits),
        )
        return changed

    @staticmethod
    def _visit(check: _Check, code: str) -> Visit:
        """The cohort's visit with this code; NotFound naming the known ones."""
        visit = check.visits.get(code)
        if visit is None:
            raise NotFound(
                f"Kunjungan '{code}' tidak ada; yang ada: {_known(list(check.visits))}",
                f"Visit '{code}' not found; known: {_known(list(check.visits))}",
            )
        return visit

    @staticmethod
    def _host(check: _Check, code: str) -> HostPartner:
        """The cohort's host partner with this code; NotFound naming the known ones."""
        host = check.hosts.get(code)
        if host is None:
            raise NotFound(
                f"Mitra benchmarking '{code}' tidak ada; yang ada: {_known(list(check.hosts))}",
                f"Host partner '{code}' not found; known: {_known(list(check.hosts))}",
            )
        return host

    def change_visit(self, cmd: ChangeVisit) -> VisitOutcome:
        """Change a visit: its days (its agenda must stay within them), host agency, city, zone
        and note; the groups it books (their members join or leave with them); single
        participants and companions. Nobody may end up on two visits whose days overlap, and a
        visit keeps at least one participant; otherwise nothing is stored. New days that are
        not working days at the host are warnings."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
            visit = self._visit(check, cmd.code)
            if _unchanged(cmd):
                raise ValidationFailed(
                    f"Tidak ada yang diubah pada kunjungan {visit.code}: sebutkan tanggal, tempat, "
                    "kelompok, peserta atau pendamping",
                    f"Nothing to change on visit {visit.code}: give its days, place, groups, "
                    "participants or companions",
                )
            change = _VisitChange(check, visit, cmd)
            change.resolve()
            check.problems.raise_if_any(*_REFUSED)
            change.write(uow.benchmarking)
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="visit.changed",
                payload=change.payload(),
            )
            updated = next(v for v in uow.benchmarking.visits(cohort.id) if v.id == visit.id)
            uow.commit()
        log.info("command.applied", action="visit.changed", cohort=cohort.code, visit=visit.code)
        return VisitOutcome(
            "visit.changed", cohort.code, updated, change.warnings.id, change.warnings.en
        )

    def cancel_visit(self, cmd: CancelVisit) -> VisitOutcome:
        """Cancel a visit that has not ended, with a reason: it is deleted with its agenda,
        participants and companions, and the audit entry keeps what it was."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
            visit = self._visit(check, cmd.code)
            if not cmd.reason.strip():
                check.problems.add(
                    _field("reason"),
                    "wajib diisi: alasan pembatalan",
                    "required: why the visit is cancelled",
                )
            check.problems.raise_if_any(*_REFUSED)
            if visit.status(self._today(cohort)) is VisitStatus.DONE:
                raise GuardFailed(
                    f"Kunjungan {visit.code} sudah berlangsung ({visit.start_date:%d-%m-%Y} s.d. "
                    f"{visit.end_date:%d-%m-%Y}) dan tidak dapat dibatalkan; ubah datanya bila "
                    "ada yang keliru",
                    f"Visit {visit.code} has taken place ({visit.start_date:%d-%m-%Y} to "
                    f"{visit.end_date:%d-%m-%Y}) and cannot be cancelled; change it if "
                    "something is wrong",
                )
            uow.benchmarking.remove_visit(visit.id)
            index = check.index
            groups = {g.id: g.code for g in check.groups.values()}
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="visit.cancelled",
                payload={
                    "visit": visit.code,
                    "host": visit.host_agency,
                    "city": visit.city,
                    "from": visit.start_date.isoformat(),
                    "to": visit.end_date.isoformat(),
                    "groups": [groups[g] for g in visit.group_ids if g in groups],
                    "participants": [
                        index.people[index.projects[p].participant_id].nip
                        for p in visit.participant_ids
                    ],
                    "companions": [
                        index.people[c.person_id].nip
                        for c in visit.companions
                        if c.person_id in index.people
                    ],
                    "agenda": len(visit.agenda),
                    "reason": cmd.reason.strip(),
                },
            )
            uow.commit()
        log.info("command.applied", action="visit.cancelled", cohort=cohort.code, visit=visit.code)
        return VisitOutcome("visit.cancelled", cohort.code, visit)

    def change_host(self, cmd: ChangeHost) -> HostPartner:
        """Correct a host partner's agency, unit, city, zone, province, focus, reasons or contact
        (checked as when it was recorded); its code stays."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
            host = self._host(check, cmd.code)
            contact_given = any(
                v is not None
                for v in (cmd.contact_name, cmd.contact_role, cmd.contact_phone, cmd.contact_email)
            )
            fields_given = any(
                v is not None
                for v in (
                    cmd.agency,
                    cmd.unit,
                    cmd.city,
                    cmd.timezone,
                    cmd.province,
                    cmd.focus,
                    cmd.reasons,
                )
            )
            if not (fields_given or contact_given or cmd.clear_contact):
                raise ValidationFailed(
                    f"Tidak ada yang diubah pada mitra {host.code}",
                    f"Nothing to change on host partner {host.code}",
                )
            if cmd.clear_contact and contact_given:
                check.problems.add(
                    _field("clear_contact"),
                    "narahubung tidak dapat dihapus sekaligus diubah",
                    "the contact cannot be removed and changed at once",
                )
            spec = _host_spec(host, cmd)
            found = check_host(spec)
            check.problems.id += found.id
            check.problems.en += found.en
            check.problems.raise_if_any(*_REFUSED)
            new = NewHost(
                cohort_id=cohort.id,
                code=host.code,
                agency=spec.agency.strip(),
                unit=spec.unit.strip(),
                city=spec.city.strip(),
                province=spec.province.strip(),
                timezone=normalise_timezone(spec.timezone) or host.timezone,
                focus=spec.focus.strip(),
                reasons=tuple(r.strip() for r in spec.reasons if r.strip()),
                contact=spec.contact,
            )
            uow.benchmarking.update_host(host.id, new)
            updated = next(h for h in uow.benchmarking.hosts(cohort.id) if h.id == host.id)
            before, after = host.model_dump(mode="json"), updated.model_dump(mode="json")
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="host.changed",
                payload={
                    "host": host.code,
                    "changed": {
                        k: [before[k], after[k]] for k in after if before.get(k) != after[k]
                    },
                },
            )
            uow.commit()
        log.info("command.applied", action="host.changed", cohort=cohort.code, host=host.code)
        return updated

    def remove_host(self, cmd: RemoveHost) -> HostPartner:
        """Remove a host partner that no lesson and no visit's agenda refers to (refused naming
        them otherwise); the groups that studied it lose it from their host units."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
            host = self._host(check, cmd.code)
            lessons = [
                ls
                for ls in uow.content.lessons(sorted(check.index.projects))
                if ls.host_id == host.id
            ]
            agenda = [
                (v, item)
                for v in check.visits.values()
                for item in v.agenda
                if item.host_id == host.id
            ]
            if lessons or agenda:
                named_id = [
                    f"pelajaran #{ls.number} {check.index.participant_name(ls.project_id)}"
                    for ls in lessons
                ] + [
                    f"agenda kunjungan {v.code} {item.day:%d-%m-%Y} ({item.topic})"
                    for v, item in agenda
                ]
                named_en = [
                    f"lesson #{ls.number} of {check.index.participant_name(ls.project_id)}"
                    for ls in lessons
                ] + [
                    f"the agenda of visit {v.code} on {item.day:%d-%m-%Y} ({item.topic})"
                    for v, item in agenda
                ]
                raise GuardFailed(
                    f"Mitra benchmarking '{host.code}' tidak dapat dihapus karena masih dirujuk "
                    f"oleh {len(named_id)} catatan: {_listed(named_id, 'lainnya')}",
                    f"Host partner '{host.code}' cannot be removed: {len(named_en)} record(s) "
                    f"refer to it: {_listed(named_en, 'more')}",
                    lessons=[ls.id for ls in lessons],
                    agenda_items=[item.id for _, item in agenda],
                )
            groups = [g.code for g in check.groups.values() if host.id in g.host_ids]
            uow.benchmarking.remove_host(host.id)
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="host.removed",
                payload={
                    "host": host.code,
                    "agency": host.agency,
                    "unit": host.unit,
                    "city": host.city,
                    "groups": groups,
                },
            )
            uow.commit()
        log.info("command.applied", action="host.removed", cohort=cohort.code, host=host.code)
        return host

    def add_agenda_item(self, cmd: AddAgendaItem) -> Visit:
        """Add an item to a visit's agenda (a day of the visit, at a host unit)."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_BENCHMARKING)
            assert cohort.id is not None
            check = _Check(self._engine, uow, CohortIndex.load(uow, cohort))
            visit = check.visits.get(cmd.visit_code)
            if visit is None:
                raise NotFound(
                    f"Kunjungan '{cmd.visit_code}' tidak ada; yang ada: {_known(list(check.visits))}",
                    f"Visit '{cmd.visit_code}' not found; known: {_known(list(check.visits))}",
                )
            item = cmd.item
            resolved = check.agenda_item(item)
            if not visit.start_date <= item.day <= visit.end_date:
                check.problems.add(
                    item.at("date"),
                    f"hari {item.day} di luar tanggal kunjungan ({visit.start_date} s.d. {visit.end_date})",
                    f"day {item.day} is outside the visit's dates ({visit.start_date} to {visit.end_date})",
                )
            if not item.topic.strip():
                check.problems.add(item.at("topic"), "wajib diisi", "is required")
            if item.starts is not None and item.ends is not None and item.ends <= item.starts:
                check.problems.add(
                    item.at("end"),
                    "jam selesai tidak setelah jam mulai",
                    "the end is not after the start",
                )
            check.problems.raise_if_any(
                "Ditolak, tidak ada yang disimpan", "Refused, nothing was stored"
            )
            assert resolved
            host_id = check.hosts[item.host].id
            group_id = check.groups[item.group].id if item.group else None
            uow.benchmarking.add_agenda_item(
                visit.id,
                NewAgendaItem(
                    item.day, item.starts, item.ends, host_id, group_id, item.topic.strip()
                ),
            )
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="visit.agenda_added",
                payload={
                    "visit": visit.code,
                    "date": item.day.isoformat(),
                    "host": item.host,
                    "group": item.group,
                    "topic": item.topic.strip(),
                },
            )
            updated = next(v for v in uow.benchmarking.visits(cohort.id) if v.id == visit.id)
            uow.commit()
        return updated

    def upload_group_report(self, cmd: UploadGroupReport) -> GroupReport:
        """A member or a coordinator uploads the group's report (checked against the programme)."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.VIEW_BENCHMARKING)
            assert cohort.id is not None
            groups = {g.code: g for g in uow.benchmarking.groups(cohort.id)}
            group = groups.get(cmd.group_code)
            if group is None:
                raise NotFound(
                    f"Kelompok '{cmd.group_code}' tidak ada; yang ada: {_known(list(groups))}",
                    f"Group '{cmd.group_code}' not found; known: {_known(list(groups))}",
                )
            relations: set[Role] = {
                r for r in uow.cohorts.roles_of(cohort.id, cmd.actor_id) if r is Role.COORDINATOR
            }
            members = {
                p.participant_id
                for p in uow.projects.of_cohort(cohort.id)
                if p.id in group.member_ids
            }
            if cmd.actor_id in members:
                relations.add(Role.PARTICIPANT)
            policy.require(
                relations,
                Action.UPLOAD_GROUP_REPORT,
                actor=f"person {cmd.actor_id}",
                target=f"kelompok {group.code} ({cohort.code})",
            )
            programme = self._engine.programme(uow, cohort.programme_checksum)
            kinds = [a.code for a in programme.group_artifacts()]
            if cmd.upload.kind not in kinds:
                raise GuardFailed(
                    f"'{cmd.upload.kind}' bukan laporan kelompok; laporan kelompok program ini: "
                    f"{', '.join(kinds) or '-'}",
                    f"'{cmd.upload.kind}' is not a group report; this programme's group reports: "
                    f"{', '.join(kinds) or 'none'}",
                )
            ((artifact, content),) = check_uploads(programme, [cmd.upload])
            versions = [
                r for r in uow.benchmarking.group_reports([group.id]) if r.kind == artifact.kind
            ]
            number = len(versions) + 1
            report_id = uow.benchmarking.add_group_report(
                group.id, number, artifact, content, cmd.actor_id, now
            )
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="group.report_uploaded",
                payload={
                    "group": group.code,
                    "kind": artifact.kind,
                    "version": number,
                    "filename": artifact.filename,
                    "sha256": artifact.sha256,
                    "size": artifact.size,
                },
            )
            stored = next(
                r for r in uow.benchmarking.group_reports([group.id]) if r.id == report_id
            )
            uow.commit()
        log.info(
            "command.applied", action="group.report_uploaded", cohort=cohort.code, group=group.code
        )
        return stored

    # -- reads --------------------------------------------------------------------------------

    def group_artifacts(self, cohort_code: str) -> list[str]:
        """The codes of the cohort's programme's group reports (e.g. the group benchmarking
        report)."""
        with self._engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            programme = self._engine.programme(uow, cohort.programme_checksum)
        return [a.code for a in programme.group_artifacts()]

    def overview(self, cohort_code: str, actor_id: int) -> Overview:
        """The cohort's host partners, groups, group reports and visits (anyone in the cohort)."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            cohort = cohort_for(uow, cohort_code, actor_id, Action.VIEW_BENCHMARKING)
            assert cohort.id is not None
            groups = uow.benchmarking.groups(cohort.id)
            overview = Overview(
                cohort,
                uow.benchmarking.hosts(cohort.id),
                groups,
                uow.benchmarking.group_reports([g.id for g in groups]),
                uow.benchmarking.visits(cohort.id),
                CohortIndex.load(uow, cohort),
                self._engine.calendar(cohort.timezone).local_date(now),
            )
        return overview
