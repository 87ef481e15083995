"""SQL stores of Benchmarking to Best Practice: host partners, groups and visits; lessons,
adoption decisions and milestones; seminar sessions, scores, grades and remediations.

They work through the unit of work's ORM session; unique keys settle races (one group per project
in a cohort, one decision per lesson, one entry per participant and session, one grade per entry,
one re-grade per remediation) and are turned into domain errors that say what clashed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.orm import (
    AdoptionMilestoneRow,
    AdoptionRow,
    AgendaItemRow,
    BlobRow,
    CompanionRow,
    GroupHostRow,
    GroupMemberRow,
    GroupReportRow,
    GroupRow,
    HostPartnerRow,
    LessonRow,
    MilestoneRow,
    ProjectRow,
    RemediationRow,
    SeminarEntryRow,
    SeminarExaminerRow,
    SeminarScoreRow,
    SeminarSessionRow,
    VisitGroupRow,
    VisitParticipantRow,
    VisitRow,
)
from adapters.db.rawsql import RawSql
from domain.audit import utc_naive
from domain.benchmarking import (
    AgendaItem,
    Companion,
    Contact,
    Group,
    GroupReport,
    HostPartner,
    Visit,
)
from domain.content import (
    AdoptionDecision,
    AdoptionKind,
    ContentFacts,
    DecisionFact,
    Lesson,
    Milestone,
    MilestoneFact,
    MilestoneStatus,
    MilestoneTerm,
)
from domain.errors import AlreadyExists, ConflictError, NotFound
from domain.model import Artifact
from domain.seminars import (
    PanelRole,
    Remediation,
    RemediationKind,
    RemediationStatus,
    Score,
    SeminarEntry,
    SeminarKind,
    SeminarSession,
)
from states.ports import Booking, NewAgendaItem, NewHost, NewVisit


def _aware(at: datetime | None) -> datetime | None:
    return None if at is None else at.replace(tzinfo=UTC)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC)


def _hhmm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _time(value: str | None) -> time | None:
    return None if not value else time.fromisoformat(value)


def _flush(session: Session, clash: Callable[[], Exception]) -> None:
    """Flush, turning a unique-key violation into the domain error ``clash`` makes."""
    try:
        session.flush()
    except IntegrityError:
        raise clash() from None


class SqlBenchmarkStore:
    """Host partners, groups (members, host units, reports) and visits in SQL."""

    def __init__(self, session: Callable[[], Session]) -> None:
        self._session_of = session

    def add_host(self, host: NewHost) -> int:
        """Insert a host partner; a code the cohort has already is refused."""
        s = self._session_of()
        contact = host.contact
        row = HostPartnerRow(
            cohort_id=host.cohort_id,
            code=host.code,
            agency=host.agency,
            unit=host.unit,
            city=host.city,
            province=host.province,
            timezone=host.timezone,
            focus=host.focus,
            reasons=json.dumps(list(host.reasons), ensure_ascii=False),
            contact_name=contact.name if contact else None,
            contact_role=contact.role if contact else None,
            contact_phone=contact.phone if contact else None,
            contact_email=contact.email if contact else None,
        )
        s.add(row)
        _flush(
            s,
            lambda: AlreadyExists(
                f"Mitra benchmarking '{host.code}' sudah tercatat di angkatan ini",
                f"Host partner '{host.code}' is already recorded in this cohort",
            ),
        )
        return row.id

    def hosts(self, cohort_id: int) -> list[HostPartner]:
        """A cohort's host partners, by code."""
        rows = self._session_of().scalars(
            select(HostPartnerRow)
            .where(HostPartnerRow.cohort_id == cohort_id)
            .order_by(HostPartnerRow.code)
        )
        return [_host(r) for r in rows]

    def add_group(self, cohort_id: int, code: str, theme: str) -> int:
        """Insert a group; a code the cohort has already is refused."""
        s = self._session_of()
        row = GroupRow(cohort_id=cohort_id, code=code, theme=theme)
        s.add(row)
        _flush(
            s,
            lambda: AlreadyExists(
                f"Kelompok '{code}' sudah ada di angkatan ini",
                f"Group '{code}' already exists in this cohort",
            ),
        )
        return row.id

    def set_theme(self, group_id: int, theme: str) -> None:
        """Change a group's theme."""
        self._session_of().execute(
            update(GroupRow).where(GroupRow.id == group_id).values(theme=theme)
        )

    def add_member(self, group_id: int, cohort_id: int, project_id: int) -> None:
        """Put a project in a group; one group per project in a cohort."""
        s = self._session_of()
        s.add(GroupMemberRow(group_id=group_id, cohort_id=cohort_id, project_id=project_id))
        _flush(
            s,
            lambda: AlreadyExists(
                f"Proyek {project_id} sudah menjadi anggota kelompok lain",
                f"Project {project_id} is already a member of a group",
            ),
        )

    def remove_member(self, group_id: int, project_id: int) -> None:
        """Take a project out of a group."""
        self._session_of().execute(
            delete(GroupMemberRow).where(
                GroupMemberRow.group_id == group_id, GroupMemberRow.project_id == project_id
            )
        )

    def add_group_host(self, group_id: int, host_id: int) -> None:
        """Give a group a host unit, once."""
        s = self._session_of()
        if s.get(GroupHostRow, (group_id, host_id)) is None:
            s.add(GroupHostRow(group_id=group_id, host_id=host_id))
            s.flush()

    def remove_group_host(self, group_id: int, host_id: int) -> None:
        """Take a host unit from a group."""
        self._session_of().execute(
            delete(GroupHostRow).where(
                GroupHostRow.group_id == group_id, GroupHostRow.host_id == host_id
            )
        )

    def groups(self, cohort_id: int) -> list[Group]:
        """A cohort's groups with members and host units, by code."""
        s = self._session_of()
        rows = list(
            s.scalars(select(GroupRow).where(GroupRow.cohort_id == cohort_id).order_by(GroupRow.id))
        )
        if not rows:
            return []
        ids = [r.id for r in rows]
        members: dict[int, list[int]] = {}
        for gid, pid in s.execute(
            select(GroupMemberRow.group_id, GroupMemberRow.project_id)
            .where(GroupMemberRow.group_id.in_(ids))
            .order_by(GroupMemberRow.project_id)
        ):
            members.setdefault(gid, []).append(pid)
        hosts: dict[int, list[int]] = {}
        for gid, hid in s.execute(
            select(GroupHostRow.group_id, GroupHostRow.host_id)
            .where(GroupHostRow.group_id.in_(ids))
            .order_by(GroupHostRow.host_id)
        ):
            hosts.setdefault(gid, []).append(hid)
        return [
            Group(
                id=r.id,
                cohort_id=r.cohort_id,
                code=r.code,
                theme=r.theme,
                host_ids=tuple(hosts.get(r.id, ())),
                member_ids=tuple(members.get(r.id, ())),
            )
            for r in rows
        ]

    def add_group_report(
        self,
        group_id: int,
        number: int,
        artifact: Artifact,
        content: bytes,
        actor_id: int,
        at: datetime,
    ) -> int:
        """Store a version of a group's report; the content once per checksum."""
        s = self._session_of()
        if s.get(BlobRow, artifact.sha256) is None:
            s.add(BlobRow(sha256=artifact.sha256, size=artifact.size, content=content))
            s.flush()
        row = GroupReportRow(
            group_id=group_id,
            number=number,
            kind=artifact.kind,
            filename=artifact.filename,
            media_type=artifact.media_type,
            size=artifact.size,
            sha256=artifact.sha256,
            uploaded_by=actor_id,
            uploaded_at=utc_naive(at),
        )
        s.add(row)
        _flush(
            s,
            lambda: ConflictError(
                "Laporan kelompok ini baru saja diunggah orang lain; tidak ada yang disimpan",
                "This group report was just uploaded by someone else; nothing was stored",
            ),
        )
        return row.id

    def group_reports(self, group_ids: Sequence[int]) -> list[GroupReport]:
        """The report versions of these groups, oldest first."""
        if not group_ids:
            return []
        rows = self._session_of().scalars(
            select(GroupReportRow)
            .where(GroupReportRow.group_id.in_(group_ids))
            .order_by(GroupReportRow.id)
        )
        return [_report(r) for r in rows]

    def reports_for(self, project_id: int) -> list[GroupReport]:
        """The latest version of each report of the project's group."""
        s = self._session_of()
        gid = s.scalar(
            select(GroupMemberRow.group_id).where(GroupMemberRow.project_id == project_id)
        )
        if gid is None:
            return []
        latest: dict[str, GroupReport] = {}
        for r in self.group_reports([gid]):
            latest[r.kind] = r
        return list(latest.values())

    def add_visit(self, visit: NewVisit) -> int:
        """Insert a visit with its agenda, participants and companions."""
        s = self._session_of()
        row = VisitRow(
            cohort_id=visit.cohort_id,
            code=visit.code,
            host_agency=visit.host_agency,
            city=visit.city,
            timezone=visit.timezone,
            start_date=visit.start_date,
            end_date=visit.end_date,
            note=visit.note,
        )
        s.add(row)
        _flush(
            s,
            lambda: AlreadyExists(
                f"Kunjungan '{visit.code}' sudah ada di angkatan ini",
                f"Visit '{visit.code}' already exists in this cohort",
            ),
        )
        for item in visit.agenda:
            self.add_agenda_item(row.id, item)
        s.add_all(VisitParticipantRow(visit_id=row.id, project_id=p) for p in visit.participant_ids)
        s.add_all(
            CompanionRow(visit_id=row.id, person_id=p, role=role) for p, role in visit.companions
        )
        s.flush()
        return row.id

    def add_agenda_item(self, visit_id: int, item: NewAgendaItem) -> int:
        """Add an agenda item to a visit."""
        s = self._session_of()
        row = AgendaItemRow(
            visit_id=visit_id,
            day=item.day,
            starts=_hhmm(item.starts),
            ends=_hhmm(item.ends),
            host_id=item.host_id,
            group_id=item.group_id,
            topic=item.topic,
        )
        s.add(row)
        s.flush()
        return row.id

    def visits(self, cohort_id: int) -> list[Visit]:
        """A cohort's visits with their agenda, participants and companions, by first day."""
        s = self._session_of()
        rows = list(
            s.scalars(
                select(VisitRow)
                .where(VisitRow.cohort_id == cohort_id)
                .order_by(VisitRow.start_date, VisitRow.id)
            )
        )
        if not rows:
            return []
        ids = [r.id for r in rows]
        agenda: dict[int, list[AgendaItem]] = {}
        for a in s.scalars(
            select(AgendaItemRow)
            .where(AgendaItemRow.visit_id.in_(ids))
            .order_by(AgendaItemRow.day, AgendaItemRow.starts, AgendaItemRow.id)
        ):
            agenda.setdefault(a.visit_id, []).append(
                AgendaItem(
                    id=a.id,
                    visit_id=a.visit_id,
                    day=a.day,
                    starts=_time(a.starts),
                    ends=_time(a.ends),
                    host_id=a.host_id,
                    group_id=a.group_id,
                    topic=a.topic,
                )
            )
        participants: dict[int, list[int]] = {}
        for vid, pid in s.execute(
            select(VisitParticipantRow.visit_id, VisitParticipantRow.project_id)
            .where(VisitParticipantRow.visit_id.in_(ids))
            .order_by(VisitParticipantRow.project_id)
        ):
            participants.setdefault(vid, []).append(pid)
        booked: dict[int, list[int]] = {}
        for vid, gid in s.execute(
            select(VisitGroupRow.visit_id, VisitGroupRow.group_id)
            .where(VisitGroupRow.visit_id.in_(ids))
            .order_by(VisitGroupRow.group_id)
        ):
            booked.setdefault(vid, []).append(gid)
        companions: dict[int, list[Companion]] = {}
        for c in s.scalars(
            select(CompanionRow)
            .where(CompanionRow.visit_id.in_(ids))
            .order_by(CompanionRow.person_id)
        ):
            companions.setdefault(c.visit_id, []).append(
                Companion(person_id=c.person_id, role=c.role)
            )
        return [
            Visit(
                id=r.id,
                cohort_id=r.cohort_id,
                code=r.code,
                host_agency=r.host_agency,
                city=r.city,
                timezone=r.timezone,
                start_date=r.start_date,
                end_date=r.end_date,
                note=r.note,
                agenda=tuple(agenda.get(r.id, ())),
                participant_ids=tuple(participants.get(r.id, ())),
                companions=tuple(companions.get(r.id, ())),
                group_ids=tuple(booked.get(r.id, ())),
            )
            for r in rows
        ]

    def bookings(self, person_ids: Sequence[int]) -> list[Booking]:
        """The visits (of any cohort) these people are booked on as participants."""
        if not person_ids:
            return []
        rows = self._session_of().execute(
            select(
                ProjectRow.participant_id,
                ProjectRow.id,
                VisitRow.id,
                VisitRow.cohort_id,
                VisitRow.code,
                VisitRow.start_date,
                VisitRow.end_date,
            )
            .join(VisitParticipantRow, VisitParticipantRow.project_id == ProjectRow.id)
            .join(VisitRow, VisitRow.id == VisitParticipantRow.visit_id)
            .where(ProjectRow.participant_id.in_(person_ids))
            .order_by(VisitRow.start_date, VisitRow.id)
        )
        return [Booking(*row) for row in rows]

    # -- changes of plan (the port's extension in states.benchmarking.BenchmarkEdits) -------------

    def set_visit_groups(self, visit_id: int, group_ids: Sequence[int]) -> None:
        """Record exactly these groups as booked by the visit."""
        s = self._session_of()
        s.execute(delete(VisitGroupRow).where(VisitGroupRow.visit_id == visit_id))
        s.add_all(VisitGroupRow(visit_id=visit_id, group_id=g) for g in dict.fromkeys(group_ids))
        s.flush()

    def set_visit_participants(self, visit_id: int, project_ids: Sequence[int]) -> None:
        """Make exactly these projects the visit's participants."""
        s = self._session_of()
        wanted = set(project_ids)
        have = set(
            s.scalars(
                select(VisitParticipantRow.project_id).where(
                    VisitParticipantRow.visit_id == visit_id
                )
            )
        )
        if have - wanted:
            s.execute(
                delete(VisitParticipantRow).where(
                    VisitParticipantRow.visit_id == visit_id,
                    VisitParticipantRow.project_id.in_(sorted(have - wanted)),
                )
            )
        s.add_all(
            VisitParticipantRow(visit_id=visit_id, project_id=p) for p in sorted(wanted - have)
        )
        s.flush()

    def set_visit_companions(self, visit_id: int, companions: Sequence[tuple[int, str]]) -> None:
        """Make exactly these (person, role) the visit's companions."""
        s = self._session_of()
        s.execute(delete(CompanionRow).where(CompanionRow.visit_id == visit_id))
        s.add_all(
            CompanionRow(visit_id=visit_id, person_id=p, role=role)
            for p, role in dict(companions).items()
        )
        s.flush()

    def update_visit(
        self,
        visit_id: int,
        *,
        host_agency: str,
        city: str,
        timezone: str,
        start_date: date,
        end_date: date,
        note: str,
    ) -> None:
        """Change a visit's host agency, city, zone, days and note."""
        self._session_of().execute(
            update(VisitRow)
            .where(VisitRow.id == visit_id)
            .values(
                host_agency=host_agency,
                city=city,
                timezone=timezone,
                start_date=start_date,
                end_date=end_date,
                note=note,
            )
        )

    def remove_visit(self, visit_id: int) -> None:
        """Delete a visit with its agenda, participants, companions and booked groups."""
        s = self._session_of()
        s.execute(delete(AgendaItemRow).where(AgendaItemRow.visit_id == visit_id))
        s.execute(delete(VisitParticipantRow).where(VisitParticipantRow.visit_id == visit_id))
        s.execute(delete(CompanionRow).where(CompanionRow.visit_id == visit_id))
        s.execute(delete(VisitGroupRow).where(VisitGroupRow.visit_id == visit_id))
        s.execute(delete(VisitRow).where(VisitRow.id == visit_id))

    def update_host(self, host_id: int, host: NewHost) -> None:
        """Replace a host partner's fields (its cohort and code stay)."""
        contact = host.contact
        self._session_of().execute(
            update(HostPartnerRow)
            .where(HostPartnerRow.id == host_id)
            .values(
                agency=host.agency,
                unit=host.unit,
                city=host.city,
                province=host.province,
                timezone=host.timezone,
                focus=host.focus,
                reasons=json.dumps(list(host.reasons), ensure_ascii=False),
                contact_name=contact.name if contact else None,
                contact_role=contact.role if contact else None,
                contact_phone=contact.phone if contact else None,
                contact_email=contact.email if contact else None,
            )
        )

    def remove_host(self, host_id: int) -> None:
        """Delete a host partner and its place among groups' host units (the service has checked
        that no lesson and no agenda item refers to it)."""
        s = self._session_of()
        s.execute(delete(GroupHostRow).where(GroupHostRow.host_id == host_id))
        s.execute(delete(HostPartnerRow).where(HostPartnerRow.id == host_id))


_FACT_LESSONS = "SELECT number FROM lessons WHERE project_id = :pid ORDER BY number"
_FACT_DECISIONS = """
SELECT l.number, d.kind,
       EXISTS (SELECT 1 FROM adoption_milestones m WHERE m.decision_id = d.id)
FROM adoption_decisions d JOIN lessons l ON l.id = d.lesson_id
WHERE d.project_id = :pid ORDER BY l.number
"""
_FACT_MILESTONES = (
    "SELECT number, term, status FROM milestones WHERE project_id = :pid ORDER BY number"
)


class SqlContentStore:
    """Lessons, adoption decisions and milestones in SQL."""

    def __init__(self, raw: RawSql, session: Callable[[], Session]) -> None:
        self._raw = raw
        self._session_of = session

    def facts(self, project_id: int) -> ContentFacts:
        """What the project's content holds: three small queries on the driver's cursor."""
        params = {"pid": project_id}
        return ContentFacts(
            tuple(int(r[0]) for r in self._raw.all(_FACT_LESSONS, params)),
            tuple(
                DecisionFact(int(n), AdoptionKind(kind), bool(linked))
                for n, kind, linked in self._raw.all(_FACT_DECISIONS, params)
            ),
            tuple(
                MilestoneFact(int(n), MilestoneTerm(term), MilestoneStatus(status))
                for n, term, status in self._raw.all(_FACT_MILESTONES, params)
            ),
        )

    def add_lesson(
        self,
        project_id: int,
        number: int,
        host_id: int,
        practice: str,
        location: str,
        evidence: str,
        success_key: str,
        lesson: str,
        actor_id: int,
        at: datetime,
    ) -> int:
        """Insert a lesson under its number."""
        s = self._session_of()
        row = LessonRow(
            project_id=project_id,
            number=number,
            host_id=host_id,
            practice=practice,
            location=location,
            evidence=evidence,
            success_key=success_key,
            lesson=lesson,
            recorded_by=actor_id,
            recorded_at=utc_naive(at),
        )
        s.add(row)
        _flush(s, lambda: _conflict("Pelajaran ini", "This lesson"))
        return row.id

    def lesson(self, lesson_id: int) -> Lesson:
        """A lesson; raises NotFound."""
        row = self._session_of().get(LessonRow, lesson_id)
        if row is None:
            raise NotFound(
                f"Pelajaran {lesson_id} tidak ditemukan", f"Lesson {lesson_id} not found"
            )
        return _lesson(row)

    def lessons(self, project_ids: Sequence[int]) -> list[Lesson]:
        """The lessons of these projects, by project and number."""
        if not project_ids:
            return []
        rows = self._session_of().scalars(
            select(LessonRow)
            .where(LessonRow.project_id.in_(project_ids))
            .order_by(LessonRow.project_id, LessonRow.number)
        )
        return [_lesson(r) for r in rows]

    def remove_lesson(self, lesson_id: int) -> None:
        """Delete a lesson and the decision on it (with its milestone links)."""
        s = self._session_of()
        decision = s.scalar(select(AdoptionRow.id).where(AdoptionRow.lesson_id == lesson_id))
        if decision is not None:
            s.execute(
                delete(AdoptionMilestoneRow).where(AdoptionMilestoneRow.decision_id == decision)
            )
            s.execute(delete(AdoptionRow).where(AdoptionRow.id == decision))
        s.execute(delete(LessonRow).where(LessonRow.id == lesson_id))

    def set_decision(
        self,
        lesson_id: int,
        project_id: int,
        kind: AdoptionKind,
        rationale: str,
        changes: str,
        milestone_ids: Sequence[int],
        actor_id: int,
        at: datetime,
    ) -> int:
        """Record the decision on a lesson, replacing an earlier one."""
        s = self._session_of()
        row = s.scalar(select(AdoptionRow).where(AdoptionRow.lesson_id == lesson_id))
        if row is None:
            row = AdoptionRow(lesson_id=lesson_id, project_id=project_id)
            s.add(row)
        row.kind = kind.value
        row.rationale = rationale
        row.changes = changes
        row.decided_by = actor_id
        row.decided_at = utc_naive(at)
        _flush(s, lambda: _conflict("Keputusan atas pelajaran ini", "A decision on this lesson"))
        s.execute(delete(AdoptionMilestoneRow).where(AdoptionMilestoneRow.decision_id == row.id))
        s.add_all(AdoptionMilestoneRow(decision_id=row.id, milestone_id=m) for m in milestone_ids)
        s.flush()
        return row.id

    def decisions(self, project_ids: Sequence[int]) -> list[AdoptionDecision]:
        """The adoption decisions of these projects."""
        if not project_ids:
            return []
        s = self._session_of()
        rows = list(
            s.scalars(
                select(AdoptionRow)
                .where(AdoptionRow.project_id.in_(project_ids))
                .order_by(AdoptionRow.id)
            )
        )
        links: dict[int, list[int]] = {}
        if rows:
            for did, mid in s.execute(
                select(AdoptionMilestoneRow.decision_id, AdoptionMilestoneRow.milestone_id)
                .where(AdoptionMilestoneRow.decision_id.in_([r.id for r in rows]))
                .order_by(AdoptionMilestoneRow.milestone_id)
            ):
                links.setdefault(did, []).append(mid)
        return [
            AdoptionDecision(
                id=r.id,
                lesson_id=r.lesson_id,
                project_id=r.project_id,
                kind=AdoptionKind(r.kind),
                rationale=r.rationale,
                changes=r.changes,
                milestone_ids=tuple(links.get(r.id, ())),
                decided_by=r.decided_by,
                decided_at=_utc(r.decided_at),
            )
            for r in rows
        ]

    def add_milestone(
        self,
        project_id: int,
        number: int,
        title: str,
        term: MilestoneTerm,
        target_date: date,
        at: datetime,
    ) -> int:
        """Insert a planned milestone under its number."""
        s = self._session_of()
        row = MilestoneRow(
            project_id=project_id,
            number=number,
            title=title,
            term=term.value,
            target_date=target_date,
            status=MilestoneStatus.PLANNED.value,
            evidence="",
            note="",
            updated_at=utc_naive(at),
        )
        s.add(row)
        _flush(s, lambda: _conflict("Tonggak ini", "This milestone"))
        return row.id

    def milestone(self, milestone_id: int) -> Milestone:
        """A milestone; raises NotFound."""
        row = self._session_of().get(MilestoneRow, milestone_id)
        if row is None:
            raise NotFound(
                f"Tonggak {milestone_id} tidak ditemukan", f"Milestone {milestone_id} not found"
            )
        return _milestone(row)

    def milestones(self, project_ids: Sequence[int]) -> list[Milestone]:
        """The milestones of these projects, by project and number."""
        if not project_ids:
            return []
        rows = self._session_of().scalars(
            select(MilestoneRow)
            .where(MilestoneRow.project_id.in_(project_ids))
            .order_by(MilestoneRow.project_id, MilestoneRow.number)
        )
        return [_milestone(r) for r in rows]

    def update_milestone(
        self,
        milestone_id: int,
        status: MilestoneStatus,
        evidence: str,
        note: str,
        done_on: date | None,
        target_date: date,
        at: datetime,
    ) -> None:
        """Record a milestone's status and target date."""
        self._session_of().execute(
            update(MilestoneRow)
            .where(MilestoneRow.id == milestone_id)
            .values(
                status=status.value,
                evidence=evidence,
                note=note,
                done_on=done_on,
                target_date=target_date,
                updated_at=utc_naive(at),
            )
            .execution_options(synchronize_session=False)
        )


class SqlSeminarStore:
    """Seminar sessions, entries, scores, grades and remediations in SQL."""

    def __init__(self, session: Callable[[], Session]) -> None:
        self._session_of = session

    def add_session(
        self,
        cohort_id: int,
        kind: SeminarKind,
        title: str,
        starts_at: datetime,
        place: str,
        examiner_ids: Sequence[int],
    ) -> int:
        """Insert a session with its examiners."""
        s = self._session_of()
        row = SeminarSessionRow(
            cohort_id=cohort_id,
            kind=kind.value,
            title=title,
            starts_at=utc_naive(starts_at),
            place=place,
        )
        s.add(row)
        s.flush()
        s.add_all(SeminarExaminerRow(session_id=row.id, person_id=p) for p in examiner_ids)
        s.flush()
        return row.id

    def session(self, session_id: int) -> SeminarSession:
        """A session; raises NotFound."""
        row = self._session_of().get(SeminarSessionRow, session_id)
        if row is None:
            raise NotFound(
                f"Sesi seminar {session_id} tidak ditemukan",
                f"Seminar session {session_id} not found",
            )
        return self._sessions([row])[0]

    def sessions(self, cohort_id: int) -> list[SeminarSession]:
        """A cohort's sessions, by start."""
        rows = list(
            self._session_of().scalars(
                select(SeminarSessionRow)
                .where(SeminarSessionRow.cohort_id == cohort_id)
                .order_by(SeminarSessionRow.starts_at, SeminarSessionRow.id)
            )
        )
        return self._sessions(rows)

    def _sessions(self, rows: list[SeminarSessionRow]) -> list[SeminarSession]:
        if not rows:
            return []
        examiners: dict[int, list[int]] = {}
        for sid, pid in self._session_of().execute(
            select(SeminarExaminerRow.session_id, SeminarExaminerRow.person_id)
            .where(SeminarExaminerRow.session_id.in_([r.id for r in rows]))
            .order_by(SeminarExaminerRow.person_id)
        ):
            examiners.setdefault(sid, []).append(pid)
        return [
            SeminarSession(
                id=r.id,
                cohort_id=r.cohort_id,
                kind=SeminarKind(r.kind),
                title=r.title,
                starts_at=_utc(r.starts_at),
                place=r.place,
                examiner_ids=tuple(examiners.get(r.id, ())),
            )
            for r in rows
        ]

    def add_entry(self, session_id: int, project_id: int, examiner_id: int) -> int:
        """Put a participant in a session: once, and in one session of each kind (both kept by
        unique keys, so concurrent schedulers cannot both succeed)."""
        s = self._session_of()
        session = s.get(SeminarSessionRow, session_id)
        row = SeminarEntryRow(
            session_id=session_id,
            project_id=project_id,
            examiner_id=examiner_id,
            kind=session.kind if session is not None else None,
        )
        s.add(row)
        _flush(
            s,
            lambda: AlreadyExists(
                f"Proyek {project_id} sudah terjadwal di sesi {session_id} atau di sesi lain "
                "yang sejenis",
                f"Project {project_id} is already in session {session_id} or in another session "
                "of its kind",
            ),
        )
        return row.id

    def entries(self, session_ids: Sequence[int]) -> list[SeminarEntry]:
        """The entries of these sessions."""
        if not session_ids:
            return []
        rows = self._session_of().scalars(
            select(SeminarEntryRow)
            .where(SeminarEntryRow.session_id.in_(session_ids))
            .order_by(SeminarEntryRow.id)
        )
        return [_entry(r) for r in rows]

    def entries_of(self, project_ids: Sequence[int]) -> list[SeminarEntry]:
        """The entries of these projects."""
        if not project_ids:
            return []
        rows = self._session_of().scalars(
            select(SeminarEntryRow)
            .where(SeminarEntryRow.project_id.in_(project_ids))
            .order_by(SeminarEntryRow.id)
        )
        return [_entry(r) for r in rows]

    def set_score(
        self, entry_id: int, scorer_id: int, role: PanelRole, score: float, at: datetime
    ) -> float | None:
        """Record a panel member's score, replacing theirs."""
        s = self._session_of()
        row = s.get(SeminarScoreRow, (entry_id, scorer_id))
        before = None if row is None else float(row.score)
        if row is None:
            row = SeminarScoreRow(entry_id=entry_id, scorer_id=scorer_id)
            s.add(row)
        row.role = role.value
        row.score = score
        row.scored_at = utc_naive(at)
        _flush(s, lambda: _conflict("Nilai ini", "This score"))
        return before

    def scores(self, entry_ids: Sequence[int]) -> list[Score]:
        """The scores of these entries."""
        if not entry_ids:
            return []
        rows = self._session_of().scalars(
            select(SeminarScoreRow)
            .where(SeminarScoreRow.entry_id.in_(entry_ids))
            .order_by(SeminarScoreRow.entry_id, SeminarScoreRow.scorer_id)
        )
        return [
            Score(
                entry_id=r.entry_id,
                scorer_id=r.scorer_id,
                role=PanelRole(r.role),
                score=float(r.score),
                scored_at=_utc(r.scored_at),
            )
            for r in rows
        ]

    def set_grade(
        self, entry_id: int, grade: str, mean: float | None, actor_id: int, at: datetime
    ) -> None:
        """Record an entry's grade, only while it has none."""
        result = self._session_of().execute(
            update(SeminarEntryRow)
            .where(SeminarEntryRow.id == entry_id, SeminarEntryRow.grade.is_(None))
            .values(grade=grade, mean_score=mean, graded_by=actor_id, graded_at=utc_naive(at))
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise _conflict("Predikat peserta ini", "This participant's grade")

    def open_remediation(
        self, entry_id: int, project_id: int, kind: RemediationKind, at: datetime
    ) -> int:
        """Open the remediation of a failing entry."""
        s = self._session_of()
        row = RemediationRow(
            entry_id=entry_id,
            project_id=project_id,
            kind=kind.value,
            status=RemediationStatus.OPEN.value,
            opened_at=utc_naive(at),
            capped=False,
            note="",
        )
        s.add(row)
        _flush(s, lambda: _conflict("Remediasi ini", "This remediation"))
        return row.id

    def remediation(self, remediation_id: int) -> Remediation:
        """A remediation; raises NotFound."""
        row = self._session_of().get(RemediationRow, remediation_id)
        if row is None:
            raise NotFound(
                f"Remediasi {remediation_id} tidak ditemukan",
                f"Remediation {remediation_id} not found",
            )
        return _remediation(row)

    def remediations(self, project_ids: Sequence[int]) -> list[Remediation]:
        """The remediations of these projects."""
        if not project_ids:
            return []
        rows = self._session_of().scalars(
            select(RemediationRow)
            .where(RemediationRow.project_id.in_(project_ids))
            .order_by(RemediationRow.id)
        )
        return [_remediation(r) for r in rows]

    def resolve_remediation(
        self,
        remediation_id: int,
        status: RemediationStatus,
        regrade: str,
        capped: bool,
        note: str,
        actor_id: int,
        at: datetime,
    ) -> None:
        """Record the re-grade of an open remediation, once."""
        result = self._session_of().execute(
            update(RemediationRow)
            .where(RemediationRow.id == remediation_id, RemediationRow.status == "open")
            .values(
                status=status.value,
                regrade=regrade,
                capped=capped,
                note=note,
                resolved_by=actor_id,
                resolved_at=utc_naive(at),
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise _conflict("Nilai ulang remediasi ini", "The re-grade of this remediation")


def _conflict(what_id: str, what_en: str) -> ConflictError:
    return ConflictError(
        f"{what_id} sudah dicatat oleh orang lain lebih dulu; tidak ada yang disimpan",
        f"{what_en} was recorded by someone else first; nothing was stored",
    )


def _host(r: HostPartnerRow) -> HostPartner:
    contact = (
        Contact(
            name=r.contact_name,
            role=r.contact_role or "",
            phone=r.contact_phone,
            email=r.contact_email,
        )
        if r.contact_name
        else None
    )
    return HostPartner(
        id=r.id,
        cohort_id=r.cohort_id,
        code=r.code,
        agency=r.agency,
        unit=r.unit,
        city=r.city,
        province=r.province,
        timezone=r.timezone,
        focus=r.focus,
        reasons=tuple(json.loads(r.reasons or "[]")),
        contact=contact,
    )


def _report(r: GroupReportRow) -> GroupReport:
    return GroupReport(
        id=r.id,
        group_id=r.group_id,
        number=r.number,
        kind=r.kind,
        filename=r.filename,
        media_type=r.media_type,
        size=r.size,
        sha256=r.sha256,
        uploaded_by=r.uploaded_by,
        uploaded_at=_utc(r.uploaded_at),
    )


def _lesson(r: LessonRow) -> Lesson:
    return Lesson(
        id=r.id,
        project_id=r.project_id,
        number=r.number,
        host_id=r.host_id,
        practice=r.practice,
        location=r.location,
        evidence=r.evidence,
        success_key=r.success_key,
        lesson=r.lesson,
        recorded_by=r.recorded_by,
        recorded_at=_utc(r.recorded_at),
    )


def _milestone(r: MilestoneRow) -> Milestone:
    return Milestone(
        id=r.id,
        project_id=r.project_id,
        number=r.number,
        title=r.title,
        term=MilestoneTerm(r.term),
        target_date=r.target_date,
        status=MilestoneStatus(r.status),
        evidence=r.evidence,
        note=r.note,
        done_on=r.done_on,
        updated_at=_utc(r.updated_at),
    )


def _entry(r: SeminarEntryRow) -> SeminarEntry:
    return SeminarEntry(
        id=r.id,
        session_id=r.session_id,
        project_id=r.project_id,
        examiner_id=r.examiner_id,
        grade=r.grade,
        mean_score=None if r.mean_score is None else float(r.mean_score),
        graded_by=r.graded_by,
        graded_at=_aware(r.graded_at),
    )


def _remediation(r: RemediationRow) -> Remediation:
    return Remediation(
        id=r.id,
        entry_id=r.entry_id,
        project_id=r.project_id,
        kind=RemediationKind(r.kind),
        status=RemediationStatus(r.status),
        opened_at=_utc(r.opened_at),
        regrade=r.regrade,
        capped=bool(r.capped),
        note=r.note,
        resolved_by=r.resolved_by,
        resolved_at=_aware(r.resolved_at),
    )
