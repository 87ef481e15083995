"""Domain errors: every refusal is one of these, with a message in Bahasa Indonesia and in English.

Each error says what was wrong and, where it applies, what is allowed now. Adapters turn them into a
one-line CLI message with a non-zero exit, or an HTTP problem document; they are never stack traces.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

Lang = Literal["id", "en"]


class DomainError(Exception):
    """Base of all refusals; carries a machine-readable code and a bilingual message."""

    code: ClassVar[str] = "domain_error"

    def __init__(self, message_id: str, message_en: str, **details: Any) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.message_en = message_en
        self.details = details

    def text(self, lang: Lang = "id") -> str:
        """The message in the requested language (Bahasa Indonesia by default)."""
        return self.message_en if lang == "en" else self.message_id

    def __str__(self) -> str:
        return f"{self.message_id} / {self.message_en}"


class ValidationFailed(DomainError):
    """Input that is malformed or implausible (an NIP, a roster row, a field)."""

    code = "invalid_input"


class InvalidNIP(ValidationFailed):
    """An NIP that is not 18 digits or whose parts are not plausible."""

    code = "invalid_nip"


class ProgrammeError(DomainError):
    """A programme definition that cannot be used."""

    code = "invalid_programme"


class ProgrammeFileError(ProgrammeError):
    """A programme file that is malformed: names the path, the field and why."""

    code = "invalid_programme_file"

    def __init__(self, path: str, field: str, why: str) -> None:
        super().__init__(
            f"Berkas program {path}: kolom '{field}' tidak sah: {why}",
            f"Programme file {path}: field '{field}' is invalid: {why}",
            path=path,
            field=field,
            why=why,
        )
        self.path = path
        self.field = field
        self.why = why


class UnknownProgramme(ProgrammeError):
    """A programme code (or version) that is not defined."""

    code = "unknown_programme"


class RosterError(ValidationFailed):
    """A roster that cannot be imported; lists every problem with its row."""

    code = "invalid_roster"

    def __init__(self, problems: list[str], problems_en: list[str]) -> None:
        super().__init__(
            "Roster ditolak, tidak ada yang disimpan: " + "; ".join(problems),
            "Roster refused, nothing was stored: " + "; ".join(problems_en),
            problems=problems_en,
        )
        self.problems = problems
        self.problems_en = problems_en


class NotFound(DomainError):
    """A cohort, person, project or file that does not exist."""

    code = "not_found"


class AlreadyExists(DomainError):
    """Something that must be unique already exists (a cohort code, a person)."""

    code = "already_exists"


class Forbidden(DomainError):
    """The actor is not allowed to do this to this project or cohort."""

    code = "forbidden"


class IllegalTransition(DomainError):
    """The trigger is not legal from the project's current state; names the legal ones."""

    code = "illegal_transition"


class GuardFailed(DomainError):
    """The trigger is legal but its precondition is not met (missing artifact, comment, reason)."""

    code = "precondition_failed"


class ConflictError(DomainError):
    """Someone else changed the same thing first; nothing of this command was stored."""

    code = "conflict"


class AuthenticationFailed(DomainError):
    """No valid login, session or API token: who is asking is not known."""

    code = "unauthenticated"


class TooManyAttempts(DomainError):
    """Too many failed logins in a row: the next attempt must wait ``retry_after`` seconds."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {retry_after} detik",
            f"Too many failed logins; try again in {retry_after} seconds",
            retry_after=retry_after,
        )
        self.retry_after = retry_after


class AuditChainBroken(DomainError):
    """The audit log's hash chain does not verify; names the first bad entry."""

    code = "audit_chain_broken"


class PlanError(ValidationFailed):
    """A benchmarking plan (hosts, groups, visits) that cannot be imported; lists every problem
    with its line and field, and nothing of it is stored."""

    code = "invalid_plan"

    def __init__(self, problems: list[str], problems_en: list[str]) -> None:
        super().__init__(
            "Rencana benchmarking ditolak, tidak ada yang disimpan: " + "; ".join(problems),
            "Benchmarking plan refused, nothing was stored: " + "; ".join(problems_en),
            problems=problems_en,
        )
        self.problems = problems
        self.problems_en = problems_en
