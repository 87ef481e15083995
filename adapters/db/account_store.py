"""The SQL account store: passwords, browser sessions, API tokens and failed-login counters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from adapters.db.orm import ApiTokenRow, CredentialRow, LoginFailureRow, WebSessionRow
from adapters.db.rawsql import RawSql
from domain.audit import utc_naive
from domain.errors import ConflictError, NotFound
from domain.model import Person
from states.ports import Credential, LoginFailures, SessionRecord, SignedIn, TokenRecord


def _aware(at: datetime | None) -> datetime | None:
    return None if at is None else at.replace(tzinfo=UTC)


def _token(r: ApiTokenRow) -> TokenRecord:
    return TokenRecord(
        id=r.id,
        prefix=r.prefix,
        name=r.name,
        person_id=r.person_id,
        cohort_id=r.cohort_id,
        read_only=r.read_only,
        created_at=r.created_at.replace(tzinfo=UTC),
        last_used_at=_aware(r.last_used_at),
        revoked_at=_aware(r.revoked_at),
    )


_SIGNED_IN = """
SELECT s.id, s.person_id, s.created_at, s.last_seen_at, s.csrf_token, s.ended_at,
       p.nip, p.name, p.email, p.agency, p.unit, p.phone, p.lang, p.can_create_cohorts, p.digest,
       c.must_change
FROM web_sessions s
JOIN people p ON p.id = s.person_id
LEFT JOIN credentials c ON c.person_id = s.person_id
WHERE s.digest = :digest
"""


def _stamp(value: object) -> datetime:
    """A timestamp read through the driver cursor (text on SQLite) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


class SqlAccountStore:
    """Accounts in SQL, inside the unit of work's transaction."""

    def __init__(self, session: Callable[[], Session], raw: RawSql) -> None:
        self._session_of = session
        self._raw = raw

    # -- passwords --------------------------------------------------------------------------

    def credential(self, person_id: int) -> Credential | None:
        """The person's password hash, if any."""
        row = self._session_of().get(CredentialRow, person_id)
        if row is None:
            return None
        return Credential(
            row.person_id, row.password_hash, row.set_at.replace(tzinfo=UTC), row.must_change
        )

    def set_credential(
        self, person_id: int, password_hash: str, at: datetime, must_change: bool
    ) -> None:
        """Store or replace a password hash."""
        session = self._session_of()
        row = session.get(CredentialRow, person_id)
        if row is None:
            session.add(
                CredentialRow(
                    person_id=person_id,
                    password_hash=password_hash,
                    set_at=utc_naive(at),
                    must_change=must_change,
                )
            )
        else:
            row.password_hash = password_hash
            row.set_at = utc_naive(at)
            row.must_change = must_change
        session.flush()

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, digest: str, person_id: int, at: datetime, csrf_token: str) -> int:
        """Record a new session."""
        row = WebSessionRow(
            digest=digest,
            person_id=person_id,
            created_at=utc_naive(at),
            last_seen_at=utc_naive(at),
            csrf_token=csrf_token,
        )
        self._session_of().add(row)
        self._session_of().flush()
        return row.id

    def session(self, digest: str) -> SessionRecord | None:
        """The session with this digest."""
        row = self._session_of().scalar(select(WebSessionRow).where(WebSessionRow.digest == digest))
        if row is None:
            return None
        return SessionRecord(
            row.id,
            row.person_id,
            row.created_at.replace(tzinfo=UTC),
            row.last_seen_at.replace(tzinfo=UTC),
            row.csrf_token,
            _aware(row.ended_at),
        )

    def signed_in(self, digest: str) -> SignedIn | None:
        """The session with its person in one query on the driver's cursor (every request
        made with a session cookie asks this)."""
        row = self._raw.one(_SIGNED_IN, {"digest": digest})
        if row is None:
            return None
        session = SessionRecord(
            int(row[0]),
            int(row[1]),
            _stamp(row[2]),
            _stamp(row[3]),
            str(row[4]),
            None if row[5] is None else _stamp(row[5]),
        )
        person = Person.model_construct(
            id=int(row[1]),
            nip=row[6],
            name=row[7],
            email=row[8],
            agency=row[9],
            unit=row[10] or "",
            phone=row[11],
            lang="en" if row[12] == "en" else "id",
            can_create_cohorts=bool(row[13]),
            digest=bool(row[14]),
        )
        return SignedIn(session, person, bool(row[15]))

    def touch_session(self, session_id: int, at: datetime) -> None:
        """Record the session's last use (never moving it backwards)."""
        self._session_of().execute(
            update(WebSessionRow)
            .where(WebSessionRow.id == session_id, WebSessionRow.last_seen_at < utc_naive(at))
            .values(last_seen_at=utc_naive(at))
            .execution_options(synchronize_session=False)
        )

    def end_session(self, session_id: int, at: datetime) -> None:
        """End a session."""
        self._session_of().execute(
            update(WebSessionRow)
            .where(WebSessionRow.id == session_id, WebSessionRow.ended_at.is_(None))
            .values(ended_at=utc_naive(at))
            .execution_options(synchronize_session=False)
        )

    def end_sessions_of(self, person_id: int, at: datetime) -> int:
        """End every open session of a person."""
        result = self._session_of().execute(
            update(WebSessionRow)
            .where(WebSessionRow.person_id == person_id, WebSessionRow.ended_at.is_(None))
            .values(ended_at=utc_naive(at))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    # -- tokens -----------------------------------------------------------------------------

    def add_token(
        self,
        digest: str,
        prefix: str,
        name: str,
        person_id: int,
        cohort_id: int,
        read_only: bool,
        at: datetime,
    ) -> int:
        """Record a new API token."""
        row = ApiTokenRow(
            digest=digest,
            prefix=prefix,
            name=name,
            person_id=person_id,
            cohort_id=cohort_id,
            read_only=read_only,
            created_at=utc_naive(at),
        )
        self._session_of().add(row)
        self._session_of().flush()
        return row.id

    def token(self, digest: str) -> TokenRecord | None:
        """The token with this digest."""
        row = self._session_of().scalar(select(ApiTokenRow).where(ApiTokenRow.digest == digest))
        return None if row is None else _token(row)

    def token_by_id(self, token_id: int) -> TokenRecord:
        """A token by id."""
        row = self._session_of().get(ApiTokenRow, token_id)
        if row is None:
            raise NotFound(f"Token {token_id} tidak ditemukan", f"Token {token_id} not found")
        self._session_of().refresh(row)
        return _token(row)

    def tokens(self, cohort_ids: Sequence[int]) -> list[TokenRecord]:
        """The tokens of these cohorts, newest first."""
        rows = self._session_of().scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.cohort_id.in_(list(cohort_ids)))
            .order_by(ApiTokenRow.id.desc())
        )
        return [_token(r) for r in rows]

    def touch_token(self, token_id: int, at: datetime) -> None:
        """Record the token's last use."""
        self._session_of().execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id)
            .values(last_used_at=utc_naive(at))
            .execution_options(synchronize_session=False)
        )

    def revoke_token(self, token_id: int, at: datetime) -> None:
        """Revoke a token, once."""
        result = self._session_of().execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=utc_naive(at))
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise ConflictError(
                f"Token {token_id} sudah dicabut", f"Token {token_id} was revoked already"
            )

    # -- failed logins ------------------------------------------------------------------------

    def failures(self, login: str) -> LoginFailures | None:
        """The failed-login counter (row-locked on PostgreSQL until the transaction ends)."""
        session = self._session_of()
        query = select(LoginFailureRow).where(LoginFailureRow.login == login)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = session.scalar(query)
        if row is None:
            return None
        return LoginFailures(row.login, row.failures, row.last_failure_at.replace(tzinfo=UTC))

    def add_failure(self, login: str, at: datetime) -> int:
        """One more failed login, counted atomically (an upsert); return the new count."""
        session = self._session_of()
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(LoginFailureRow).values(
            login=login, failures=1, last_failure_at=utc_naive(at)
        )
        upsert = statement.on_conflict_do_update(
            index_elements=[LoginFailureRow.login],
            set_={
                "failures": LoginFailureRow.failures + 1,
                "last_failure_at": statement.excluded.last_failure_at,
            },
        ).returning(LoginFailureRow.failures)
        return int(session.execute(upsert).scalar_one())

    def clear_failures(self, login: str) -> None:
        """Forget the failed logins of a login name."""
        self._session_of().execute(delete(LoginFailureRow).where(LoginFailureRow.login == login))

    def purge(self, sessions_created_before: datetime, failures_before: datetime) -> None:
        """Delete sessions past their lifetime and failed-login counters gone stale."""
        session = self._session_of()
        session.execute(
            delete(WebSessionRow).where(WebSessionRow.created_at < utc_naive(sessions_created_before))
        )
        session.execute(
            delete(LoginFailureRow).where(LoginFailureRow.last_failure_at < utc_naive(failures_before))
        )
