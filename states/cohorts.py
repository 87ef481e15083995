"""Cohort operations: create a cohort pinned to a programme version, import its roster, name the
head of its organising agency.

Each is one transaction, checked by the policy and recorded in the cohort's audit stream (and,
for every project a roster creates, in the project's own stream).

The head of the organising agency (*kepala instansi penyelenggara*) is the last rung of a
participant's escalation ladder (``agency_head`` in the programmes); a cohort without one has that
rung go to its coordinators. The address is kept on the cohort and read and written through the
alert store, which is where the sweep reads it (:class:`AgencyHeadStore`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time

import structlog
from pydantic import TypeAdapter, ValidationError

from domain import policy
from domain.audit import stream_of_cohort, stream_of_project
from domain.commands import CreateCohort, ImportRoster
from domain.deadlines import Clock
from domain.errors import Forbidden, RosterError, ValidationFailed
from domain.model import Cohort, Email, Gate, Person
from domain.programme import (
    STAGE_CODES,
    ProgrammeDefinition,
    get_programme,
    programme_checksum,
)
from domain.roles import Action, Role
from domain.roster import Roster, RosterPerson, validate_roster
from states.audit_trail import append_cohort_event, append_event
from states.engine import Engine
from states.lifecycle import INITIAL_STATE
from states.ports import NewProject, StageClocks, UnitOfWork

log = structlog.get_logger("patok.cohorts")
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
MAX_EMAIL = 254


def check_agency_head(email: str) -> str:
    """The e-mail address of a head of agency, normalised; ValidationFailed if it is none."""
    try:
        value = _EMAIL.validate_python(email)
    except ValidationError:
        value = ""
    if not value or len(value) > MAX_EMAIL:
        raise ValidationFailed(
            f"Kepala instansi penyelenggara: {email!r} bukan alamat e-mail",
            f"Head of the organising agency: {email!r} is not an e-mail address",
            field="agency_head",
        )
    return value


class CohortService:
    """Creates cohorts and imports rosters through the engine's units of work."""

    def __init__(self, engine: Engine, programmes: Mapping[str, ProgrammeDefinition]) -> None:
        self._engine = engine
        self._programmes = dict(programmes)

    def create(self, cmd: CreateCohort, *, agency_head: str | None = None) -> Cohort:
        """Create a cohort; its creator becomes its coordinator. ``agency_head`` is the e-mail of
        the head of the organising agency (the ladder's last rung), if known already."""
        head_email = None if agency_head is None else check_agency_head(agency_head)
        programme = cmd.programme or get_programme(cmd.programme_code, self._programmes)
        checksum = programme_checksum(programme)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            actor = uow.people.get(cmd.actor_id)
            if not actor.can_create_cohorts:
                raise Forbidden(
                    f"{actor.name} tidak berwenang membuat angkatan (bukan penyelenggara)",
                    f"{actor.name} may not create cohorts (not an organiser)",
                )
            uow.cohorts.save_programme(checksum, programme)
            cohort = Cohort(
                code=cmd.code,
                name=cmd.name,
                programme_code=programme.code,
                programme_version=programme.version,
                programme_checksum=checksum,
                organiser=cmd.organiser,
                timezone=cmd.timezone,
                start_date=cmd.start_date,
            )
            cohort_id = uow.cohorts.add(cohort)
            uow.cohorts.add_member(cohort_id, cmd.actor_id, Role.COORDINATOR)
            extra: dict[str, str] = {}
            if head_email is not None:
                uow.cohorts.set_agency_head(cohort_id, head_email)
                extra["agency_head_email"] = head_email
            head = append_event(
                uow,
                stream=stream_of_cohort(cohort_id),
                prev_hash="0" * 64,
                seq=1,
                at=now,
                actor_id=cmd.actor_id,
                action="cohort.created",
                payload={
                    "code": cmd.code,
                    "name": cmd.name,
                    "programme": programme.key,
                    "programme_checksum": checksum,
                    "timezone": cmd.timezone,
                    "start_date": cmd.start_date.isoformat(),
                    "organiser": cmd.organiser,
                    **extra,
                },
            )
            uow.cohorts.bump(cohort_id, 0, head)
            uow.commit()
        log.info("cohort.created", cohort=cmd.code, programme=programme.key)
        return cohort.model_copy(update={"id": cohort_id, "version": 1})

    def set_agency_head(self, actor_id: int, cohort_code: str, email: str) -> str:
        """A coordinator names the head of the cohort's organising agency (recorded in the
        cohort's audit stream with the address it replaces); return the stored address."""
        value = check_agency_head(email)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            assert cohort.id is not None
            policy.require(
                uow.cohorts.roles_of(cohort.id, actor_id),
                Action.MANAGE_COHORT,
                actor=f"person {actor_id}",
                target=f"angkatan {cohort.code}",
            )
            store = uow.cohorts
            previous = store.agency_heads([cohort.id]).get(cohort.id)
            store.set_agency_head(cohort.id, value)
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=actor_id,
                action="cohort.agency_head_set",
                payload={"agency_head_email": value, "previous": previous},
            )
            uow.commit()
        log.info("cohort.agency_head_set", cohort=cohort_code)
        return value

    def agency_heads(self, cohort_ids: Sequence[int]) -> dict[int, str | None]:
        """The head of agency e-mail of each of these cohorts (None where none is set)."""
        with self._engine.unit_of_work() as uow:
            return uow.cohorts.agency_heads(cohort_ids)

    def import_roster(self, cmd: ImportRoster, source: str = "roster") -> dict[str, int]:
        """Import a roster: every person, role and project, or nothing at all."""
        now = self._engine.clock.now()
        roster = cmd.roster
        with self._engine.unit_of_work(write=True) as uow:
            cohort = uow.cohorts.by_code(cmd.cohort_code)
            assert cohort.id is not None
            policy.require(
                uow.cohorts.roles_of(cohort.id, cmd.actor_id),
                Action.MANAGE_COHORT,
                actor=f"person {cmd.actor_id}",
                target=f"angkatan {cohort.code}",
            )
            members = uow.cohorts.members(cohort.id)
            people = uow.people.many([pid for pid, _ in members])
            refs = {role: _refs(people, members, role) for role in Role}
            validate_roster(
                roster,
                known_mentors=refs[Role.MENTOR],
                known_coaches=refs[Role.COACH],
                existing_participants={people[p].nip for p, r in members if r is Role.PARTICIPANT},
                known_staff=refs[Role.COORDINATOR] | refs[Role.EXAMINER],
            )
            ids = _register_people(uow, roster)
            for role, person in roster.people():
                uow.cohorts.add_member(cohort.id, ids[person.nip], Role(role))
            programme = self._engine.programme(uow, cohort.programme_checksum)
            created = self._open_projects(uow, cohort, programme, roster, ids, cmd.actor_id, now)
            version, head = uow.cohorts.audit_head(cohort.id)
            counts = {
                "participants": len(roster.participants),
                "mentors": len(roster.mentors),
                "coaches": len(roster.coaches),
                "examiners": len(roster.examiners),
                "coordinators": len(roster.coordinators),
                "projects": created,
            }
            new_head = append_event(
                uow,
                stream=stream_of_cohort(cohort.id),
                prev_hash=head,
                seq=version + 1,
                at=now,
                actor_id=cmd.actor_id,
                action="roster.imported",
                payload={"source": source, **counts},
            )
            uow.cohorts.bump(cohort.id, version, new_head)
            uow.commit()
        log.info("roster.imported", cohort=cohort.code, **counts)
        return counts

    def _open_projects(
        self,
        uow: UnitOfWork,
        cohort: Cohort,
        programme: ProgrammeDefinition,
        roster: Roster,
        ids: Mapping[str, int],
        actor_id: int,
        now: datetime,
    ) -> int:
        """Create each participant's project with its first stage open."""
        assert cohort.id is not None
        calendar = self._engine.calendar(cohort.timezone)
        opened = max(now, datetime.combine(cohort.start_date, time.min, tzinfo=calendar.tz))
        first = STAGE_CODES[0]
        due = calendar.deadline(opened, programme.stage(first).duration_working_days)
        check = self._engine.first_check(
            programme.stage(first), cohort.timezone, Clock.PARTICIPANT, 1, due, opened
        )
        for p in roster.participants:
            mentor_id = _person_id(uow, roster, ids, p.mentor)
            coach_id = _person_id(uow, roster, ids, p.coach) if p.coach else None
            pid = uow.projects.create(
                NewProject(
                    cohort.id, ids[p.nip], mentor_id, coach_id, p.project_title, INITIAL_STATE
                )
            )
            stage_id = uow.projects.open_stage(pid, first, 1, opened, due)
            head = append_event(
                uow,
                stream=stream_of_project(pid),
                prev_hash="0" * 64,
                seq=1,
                at=now,
                actor_id=actor_id,
                action="project.created",
                payload={
                    "cohort": cohort.code,
                    "participant": p.nip,
                    "mentor_id": mentor_id,
                    "coach_id": coach_id,
                    "title": p.project_title,
                    "stage": first,
                    "due_at": due.isoformat(),
                },
            )
            clocks = StageClocks(stage_id, Gate.DRAFTING, due, 1, opened, next_check_at=check)
            uow.projects.advance(pid, 0, INITIAL_STATE, head, clocks)
        return len(roster.participants)


def _refs(people: Mapping[int, Person], members: list[tuple[int, Role]], role: Role) -> set[str]:
    """NIPs and e-mails of the cohort's existing members in ``role``."""
    out: set[str] = set()
    for pid, r in members:
        if r is role:
            out |= {people[pid].nip, people[pid].email}
    return out


def _register_people(uow: UnitOfWork, roster: Roster) -> dict[str, int]:
    """Find or add every person of the roster; refuse an NIP whose e-mail differs from ours."""
    ids: dict[str, int] = {}
    problems_id: list[str] = []
    problems_en: list[str] = []
    for _role, rp in roster.people():
        if rp.nip in ids:
            continue
        known = uow.people.find(rp.nip)
        by_mail = uow.people.find(rp.email)
        if known is not None and known.email != rp.email:
            problems_id.append(
                f"NIP {rp.nip} sudah terdaftar dengan e-mail {known.email}, bukan {rp.email}"
            )
            problems_en.append(
                f"NIP {rp.nip} is registered with e-mail {known.email}, not {rp.email}"
            )
        elif known is None and by_mail is not None:
            problems_id.append(f"e-mail {rp.email} sudah dipakai NIP {by_mail.nip}")
            problems_en.append(f"e-mail {rp.email} is already used by NIP {by_mail.nip}")
        elif known is not None and known.id is not None:
            ids[rp.nip] = known.id
        else:
            ids[rp.nip] = uow.people.add(_person(rp))
    if problems_en:
        raise RosterError(problems_id, problems_en)
    return ids


def _person(rp: RosterPerson) -> Person:
    return Person(
        nip=rp.nip,
        name=rp.name,
        email=rp.email,
        agency=rp.agency,
        unit=rp.unit,
        phone=rp.phone,
        lang=rp.lang,
    )


def _person_id(uow: UnitOfWork, roster: Roster, ids: Mapping[str, int], ref: str) -> int:
    """The id of the person a roster reference names (in this roster, else already known)."""
    found = roster.resolve(ref)
    if found is not None:
        return ids[found.nip]
    person = uow.people.find(ref)
    if person is None or person.id is None:  # validate_roster has already refused this
        raise RosterError([f"{ref} tidak ditemukan"], [f"{ref} not found"])
    return person.id
