"""Finding a cohort's people and projects by what users type: NIP or e-mail, with the policy check
that comes first (who may act on the cohort)."""

from __future__ import annotations

from dataclasses import dataclass

from domain import policy
from domain.errors import NotFound
from domain.model import ChangeProject, Cohort, Person
from domain.problems import Problems, Where
from domain.roles import Action, Role
from domain.roster import reference_key
from states.ports import ProjectView, UnitOfWork


def cohort_for(uow: UnitOfWork, code: str, actor_id: int, action: Action) -> Cohort:
    """The cohort with this code, if the actor's roles in it allow ``action`` (else Forbidden)."""
    cohort = uow.cohorts.by_code(code)
    assert cohort.id is not None
    policy.require(
        uow.cohorts.roles_of(cohort.id, actor_id),
        action,
        actor=f"person {actor_id}",
        target=f"angkatan {cohort.code}",
    )
    return cohort


def visible_project(uow: UnitOfWork, project_id: int, actor_id: int) -> ProjectView:
    """The project as the actor sees it, if the policy lets them see it (else Forbidden)."""
    view = uow.projects.load(project_id, actor_id)
    policy.require(
        view.relations,
        Action.VIEW_PROJECT,
        actor=f"person {actor_id}",
        target=f"proyek {project_id}",
    )
    return view


@dataclass(frozen=True, slots=True)
class CohortIndex:
    """A cohort's projects and members, findable by NIP or e-mail."""

    cohort: Cohort
    projects: dict[int, ChangeProject]
    people: dict[int, Person]
    roles: dict[int, frozenset[Role]]
    project_by_key: dict[str, int]
    person_by_key: dict[str, int]

    @classmethod
    def load(cls, uow: UnitOfWork, cohort: Cohort) -> CohortIndex:
        """Read the cohort's projects, members and their people."""
        assert cohort.id is not None
        projects = {p.id: p for p in uow.projects.of_cohort(cohort.id)}
        members = uow.cohorts.members(cohort.id)
        roles: dict[int, set[Role]] = {}
        for pid, role in members:
            roles.setdefault(pid, set()).add(role)
        ids = set(roles) | {p.participant_id for p in projects.values()}
        people = uow.people.many(sorted(ids))
        by_key: dict[str, int] = {}
        for pid, person in people.items():
            by_key[person.nip] = pid
            by_key[person.email] = pid
        project_by_key: dict[str, int] = {}
        for project in projects.values():
            person = people[project.participant_id]
            project_by_key[person.nip] = project.id
            project_by_key[person.email] = project.id
        return cls(
            cohort,
            projects,
            people,
            {k: frozenset(v) for k, v in roles.items()},
            project_by_key,
            by_key,
        )

    def participant_name(self, project_id: int) -> str:
        """The name of a project's participant."""
        return self.people[self.projects[project_id].participant_id].name

    def project(self, ref: str, where: Where, problems: Problems) -> int | None:
        """The project of the cohort's participant named by ``ref``; a problem if there is none."""
        found = self.project_by_key.get(reference_key(ref))
        if found is None:
            problems.add(
                where,
                f"{ref} bukan peserta angkatan {self.cohort.code}",
                f"{ref} is not a participant of cohort {self.cohort.code}",
            )
        return found

    def require_project(self, ref: str) -> int:
        """The project of the participant named by ``ref``; NotFound if there is none."""
        found = self.project_by_key.get(reference_key(ref))
        if found is None:
            raise NotFound(
                f"{ref} bukan peserta angkatan {self.cohort.code}",
                f"{ref} is not a participant of cohort {self.cohort.code}",
                ref=ref,
            )
        return found

    def staff(
        self, ref: str, where: Where, problems: Problems, roles: frozenset[Role]
    ) -> tuple[int, Role] | None:
        """The member named by ``ref`` and the first of ``roles`` they hold; a problem if none."""
        pid = self.person_by_key.get(reference_key(ref))
        held = self.roles.get(pid, frozenset()) if pid is not None else frozenset()
        for role in (Role.MENTOR, Role.COACH, Role.EXAMINER, Role.COORDINATOR):
            if role in roles and role in held:
                assert pid is not None
                return pid, role
        names = sorted(r.value for r in roles)
        plural = {"coach": "coaches"}
        listed_en = [plural.get(n, f"{n}s") for n in names]
        either_en = (
            listed_en[0]
            if len(listed_en) == 1
            else ", ".join(listed_en[:-1]) + f" or {listed_en[-1]}"
        )
        problems.add(
            where,
            f"{ref} tidak termasuk {'/'.join(names)} angkatan {self.cohort.code}",
            f"{ref} is not among the {either_en} of cohort {self.cohort.code}",
        )
        return None


def relations_of(
    project: ChangeProject, actor_id: int, cohort_roles: frozenset[Role]
) -> frozenset[Role]:
    """The actor's relations to a project (as the project store's ``load`` computes them):
    participant, mentor or coach of it; coordinator or examiner of its cohort."""
    out: set[Role] = {r for r in cohort_roles if r in (Role.COORDINATOR, Role.EXAMINER)}
    if project.participant_id == actor_id:
        out.add(Role.PARTICIPANT)
    if project.mentor_id == actor_id:
        out.add(Role.MENTOR)
    if project.coach_id == actor_id:
        out.add(Role.COACH)
    return frozenset(out)
