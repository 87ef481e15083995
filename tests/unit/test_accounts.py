"""Accounts on fakes, wired through the real bootstrap: passwords, logins slowed down after
failures, sessions that end, coordinator password resets and cohort-scoped API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.settings import Settings
from domain.accounts import (
    FREE_FAILURES,
    MAX_LOGIN_DELAY,
    TOKEN_PREFIX,
    check_new_password,
    login_delay,
    normalise_login,
    token_digest,
)
from domain.commands import CreateCohort, ImportRoster
from domain.errors import (
    AuthenticationFailed,
    Forbidden,
    GuardFailed,
    TooManyAttempts,
    ValidationFailed,
)
from domain.model import Person
from domain.nip import synthetic_nip
from domain.roster import Roster, RosterParticipant, RosterPerson
from tests.fakes import FakeUnitOfWorkFactory

PASSWORD = "sandi-rahasia-42"
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def nip(n: int) -> str:
    return synthetic_nip(date(1975, 1 + n % 12, 1 + n % 28), 2000 + n % 20, 1 + n % 12, "female", n)


def person(n: int, nick: str, organiser: bool = False) -> Person:
    return Person(
        nip=nip(n),
        name=f"Orang {nick.title()}",
        email=f"{nick}@bkd.maluku.go.id",
        agency="BKD Provinsi Maluku",
        can_create_cohorts=organiser,
    )


def roster_person(n: int, nick: str) -> RosterPerson:
    p = person(n, nick)
    return RosterPerson(nip=p.nip, name=p.name, email=p.email, agency=p.agency)


@dataclass
class Accounts:
    app: Patok
    factory: FakeUnitOfWorkFactory
    clock: SettableClock
    ids: dict[str, int]

    def login(self, nick: str, password: str = PASSWORD) -> str:
        secret, _ = self.app.accounts.login(f"{nick}@bkd.maluku.go.id", password)
        return secret


def _cohort(app: Patok, organiser: int, code: str, base: int) -> None:
    app.cohorts.create(
        CreateCohort(
            actor_id=organiser,
            code=code,
            name=f"Angkatan {code}",
            programme_code="PIM3",
            organiser="BPSDM Provinsi Maluku",
            timezone="Asia/Jayapura",
            start_date=date(2026, 3, 2),
        )
    )
    mentor = roster_person(base, f"mentor{base}")
    app.cohorts.import_roster(
        ImportRoster(
            actor_id=organiser,
            cohort_code=code,
            roster=Roster(
                mentors=[mentor],
                participants=[
                    RosterParticipant(
                        **roster_person(base + 1, f"peserta{base + 1}").model_dump(),
                        mentor=mentor.nip,
                        project_title="Proyek uji",
                    )
                ],
            ),
        )
    )


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    clock = SettableClock(T0)
    factory = FakeUnitOfWorkFactory()
    app = bootstrap(
        Settings(argon2_time_cost=1, argon2_memory_kib=1024, session_hours=8, session_idle_minutes=30),
        clock=clock,
        uow_factory=factory,
    )
    ids = {
        "koor": app.accounts.add_person(person(1, "koor", organiser=True), PASSWORD),
        "lain": app.accounts.add_person(person(2, "lain", organiser=True), PASSWORD),
    }
    _cohort(app, ids["koor"], "A-2026", 10)
    _cohort(app, ids["lain"], "B-2026", 20)
    for nick in ("mentor10", "peserta11", "mentor20", "peserta21"):
        found = app.engine.resolve_actor(f"{nick}@bkd.maluku.go.id")
        assert found.id is not None
        ids[nick] = found.id
        app.accounts.set_password(found.id, PASSWORD)
    yield Accounts(app, factory, clock, ids)


# -- the rules ------------------------------------------------------------------------------------


def test_login_delay_is_free_for_the_first_failures_then_doubles_up_to_the_cap() -> None:
    assert [login_delay(n) for n in range(FREE_FAILURES)] == [timedelta(0)] * FREE_FAILURES
    assert login_delay(FREE_FAILURES) == timedelta(seconds=2)
    assert login_delay(FREE_FAILURES + 1) == timedelta(seconds=4)
    assert login_delay(FREE_FAILURES + 2) == timedelta(seconds=8)
    assert login_delay(1000) == MAX_LOGIN_DELAY


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("pendek1!", "at least 10 characters"),
        ("a" * 201, "at most 200 characters"),
        ("aaaaabbbbbaaaaa", "too simple"),
        (f"x{nip(1)}y", "must not contain your NIP"),
        ("koor-2026-rahasia", "must not contain your NIP or e-mail name"),
    ],
)
def test_a_weak_password_is_refused_naming_why(password: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_new_password(password, person(1, "koor"))
    assert problem in caught.value.message_en
    assert caught.value.message_id.startswith("Kata sandi ditolak")


def test_logins_are_counted_under_one_name_whatever_their_case_or_spacing() -> None:
    assert normalise_login("  Koor@BKD.Maluku.go.id ") == "koor@bkd.maluku.go.id"
    assert normalise_login("19750102 200001 2 001") == "197501022000012001"


# -- passwords and logins ---------------------------------------------------------------------------


def test_a_person_registered_with_a_password_can_log_in_and_the_session_knows_them(
    accounts: Accounts,
) -> None:
    secret = accounts.login("koor")
    principal = accounts.app.accounts.session(secret)
    assert principal is not None and principal.person_id == accounts.ids["koor"]
    assert principal.csrf_token and principal.csrf_token != secret
    stored = [d for d, _ in accounts.factory.state.web_sessions.values()]
    assert token_digest(secret) in stored and secret not in stored
    assert accounts.factory.state.credentials[accounts.ids["koor"]].password_hash.startswith(
        "$argon2id$"
    )


def test_registering_with_a_weak_password_registers_nobody(accounts: Accounts) -> None:
    before = len(accounts.factory.state.people)
    with pytest.raises(ValidationFailed):
        accounts.app.accounts.add_person(person(3, "baru"), "pendek")
    assert len(accounts.factory.state.people) == before


def test_an_organiser_registers_a_person_who_can_log_in_with_the_password_given(
    accounts: Accounts,
) -> None:
    made = accounts.app.accounts.register_person(
        accounts.ids["koor"], person(4, "baru"), PASSWORD
    )
    assert accounts.factory.state.people[made].email == "baru@bkd.maluku.go.id"
    assert accounts.login("baru")


def test_nobody_but_an_organiser_registers_people_and_a_refusal_registers_nobody(
    accounts: Accounts,
) -> None:
    before = len(accounts.factory.state.people)
    for nick in ("mentor10", "peserta11"):
        with pytest.raises(Forbidden) as refused:
            accounts.app.accounts.register_person(
                accounts.ids[nick], person(5, "baru", organiser=True), PASSWORD
            )
        assert "only organisers may register people" in refused.value.message_en
        assert "hanya penyelenggara yang boleh mendaftarkan orang" in refused.value.message_id
    with pytest.raises(ValidationFailed):  # an organiser, but a weak password
        accounts.app.accounts.register_person(accounts.ids["koor"], person(5, "baru"), "pendek")
    assert len(accounts.factory.state.people) == before


def test_a_wrong_password_and_an_unknown_login_are_refused_alike(accounts: Accounts) -> None:
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.login("koor", "bukan-sandinya-1")
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.login("tidakada", PASSWORD)
    assert wrong.value.message_en == unknown.value.message_en == "Wrong NIP/e-mail or password"


def test_failed_logins_slow_the_next_attempt_down_even_with_the_right_password(
    accounts: Accounts,
) -> None:
    for _ in range(FREE_FAILURES):
        with pytest.raises(AuthenticationFailed):
            accounts.login("koor", "salah-salah-salah")
    with pytest.raises(TooManyAttempts) as caught:
        accounts.login("koor")  # the right password, but too soon
    assert caught.value.retry_after == 2
    accounts.clock.advance(timedelta(seconds=2))
    with pytest.raises(AuthenticationFailed):
        accounts.login("koor", "salah-lagi-salah")
    with pytest.raises(TooManyAttempts) as longer:
        accounts.login("koor")
    assert longer.value.retry_after == 4
    accounts.clock.advance(timedelta(seconds=4))
    assert accounts.login("koor")
    assert "koor@bkd.maluku.go.id" not in accounts.factory.state.login_failures


def test_a_session_ends_when_idle_too_long_after_its_lifetime_and_at_logout(
    accounts: Accounts,
) -> None:
    sessions = accounts.app.accounts
    idle = accounts.login("koor")
    accounts.clock.advance(timedelta(minutes=29))
    assert sessions.session(idle) is not None  # and this use resets the idle clock
    accounts.clock.advance(timedelta(minutes=29))
    assert sessions.session(idle) is not None
    accounts.clock.advance(timedelta(minutes=31))
    assert sessions.session(idle) is None

    busy = accounts.login("koor")
    for _ in range(8 * 3):  # used every 20 minutes for eight hours
        accounts.clock.advance(timedelta(minutes=20))
        alive = sessions.session(busy)
    assert alive is None

    ended = accounts.login("koor")
    principal = sessions.session(ended)
    assert principal is not None and principal.session_id is not None
    sessions.logout(principal.session_id)
    assert sessions.session(ended) is None


def test_changing_ones_password_needs_the_current_one_and_ends_every_session(
    accounts: Accounts,
) -> None:
    first = accounts.login("mentor10")
    with pytest.raises(GuardFailed):
        accounts.app.accounts.change_password(accounts.ids["mentor10"], "bukan-ini-sandi", "baru-sandi-kuat-9")
    accounts.app.accounts.change_password(accounts.ids["mentor10"], PASSWORD, "baru-sandi-kuat-9")
    assert accounts.app.accounts.session(first) is None
    assert accounts.login("mentor10", "baru-sandi-kuat-9")


# -- resets by a coordinator --------------------------------------------------------------------


def test_a_coordinator_resets_a_members_password_to_a_temporary_one_that_must_be_changed(
    accounts: Accounts,
) -> None:
    old_session = accounts.login("peserta11")
    audit_before = len(accounts.factory.state.audit)
    temporary = accounts.app.accounts.reset_password(accounts.ids["koor"], accounts.ids["peserta11"])
    assert accounts.app.accounts.session(old_session) is None
    _, principal = accounts.app.accounts.login("peserta11@bkd.maluku.go.id", temporary)
    assert principal.must_change_password
    entries = sorted(accounts.factory.state.audit.values(), key=lambda e: e.seq)
    assert len(entries) == audit_before + 1
    assert entries[-1].action == "account.password_reset" and entries[-1].stream.startswith("cohort:")
    assert temporary not in entries[-1].payload_json


@pytest.mark.parametrize("actor", ["lain", "mentor10", "peserta11"])
def test_nobody_but_a_coordinator_of_the_members_cohort_may_reset_their_password(
    accounts: Accounts, actor: str
) -> None:
    before = accounts.factory.state.credentials[accounts.ids["peserta11"]]
    audit = len(accounts.factory.state.audit)
    with pytest.raises(Forbidden):
        accounts.app.accounts.reset_password(accounts.ids[actor], accounts.ids["peserta11"])
    assert accounts.factory.state.credentials[accounts.ids["peserta11"]] == before
    assert len(accounts.factory.state.audit) == audit


# -- API tokens ---------------------------------------------------------------------------------


def test_a_token_acts_for_its_issuer_inside_its_cohort_only_and_is_stored_as_a_digest(
    accounts: Accounts,
) -> None:
    secret, record = accounts.app.accounts.issue_token(accounts.ids["koor"], "A-2026", "LMS")
    assert secret.startswith(TOKEN_PREFIX) and record.prefix == secret[:12]
    stored = [d for d, _ in accounts.factory.state.tokens.values()]
    assert stored == [token_digest(secret)]
    principal = accounts.app.accounts.token(secret)
    assert principal is not None and principal.person_id == accounts.ids["koor"]
    assert principal.cohort_scope == record.cohort_id and principal.session_id is None
    assert accounts.app.accounts.token(secret + "x") is None
    assert accounts.app.accounts.token("not-a-patok-token") is None


def test_a_revoked_token_stops_working_and_cannot_be_revoked_twice(accounts: Accounts) -> None:
    secret, record = accounts.app.accounts.issue_token(
        accounts.ids["koor"], "A-2026", "Dasbor", read_only=True
    )
    assert accounts.app.accounts.tokens(accounts.ids["koor"]) == [record]
    accounts.app.accounts.revoke_token(accounts.ids["koor"], record.id)
    assert accounts.app.accounts.token(secret) is None
    with pytest.raises(Exception, match="revoked already"):
        accounts.app.accounts.revoke_token(accounts.ids["koor"], record.id)


@pytest.mark.parametrize("actor", ["lain", "mentor10", "peserta11"])
def test_only_a_coordinator_of_the_cohort_issues_lists_or_revokes_its_tokens(
    accounts: Accounts, actor: str
) -> None:
    _, record = accounts.app.accounts.issue_token(accounts.ids["koor"], "A-2026", "LMS")
    with pytest.raises(Forbidden):
        accounts.app.accounts.issue_token(accounts.ids[actor], "A-2026", "LMS lain")
    with pytest.raises(Forbidden):
        accounts.app.accounts.revoke_token(accounts.ids[actor], record.id)
    assert record not in accounts.app.accounts.tokens(accounts.ids[actor])
    assert len(accounts.factory.state.tokens) == 1


def test_failed_logins_are_forgotten_after_a_day_and_old_sessions_are_purged(
    accounts: Accounts,
) -> None:
    old = accounts.login("mentor10")
    for _ in range(FREE_FAILURES):
        with pytest.raises(AuthenticationFailed):
            accounts.login("koor", "salah-salah-salah")
    with pytest.raises(TooManyAttempts):
        accounts.login("koor")
    with pytest.raises(AuthenticationFailed):
        accounts.login("tidakada", "apa-saja-apa-saja")
    accounts.clock.advance(timedelta(hours=25))
    assert accounts.login("koor")  # not slowed down any more: a day has passed
    assert accounts.factory.state.login_failures == {}  # the stranger's counter too
    assert accounts.app.accounts.session(old) is None
    assert token_digest(old) not in [d for d, _ in accounts.factory.state.web_sessions.values()]
