"""The one wiring point: builds the engine with its adapters for the CLI, the API and the flows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine as SqlEngine

from adapters.clock import SystemClock
from adapters.db.database import make_engine, upgrade
from adapters.db.uow import SqlUnitOfWorkFactory
from adapters.logging import configure_logging
from adapters.notify.sweeping import build_sweeper
from adapters.passwords import Argon2Hasher
from adapters.programmes import builtin_programmes
from adapters.settings import Settings
from domain.accounts import SessionTimes
from states.accounts import Accounts
from states.benchmarking import Planning
from states.cohorts import CohortService
from states.content import ProjectContent
from states.engine import Engine
from states.extensions import Extensions
from states.notices import Notices
from states.ports import Clock, UnitOfWorkFactory
from states.queries import Queries
from states.reports import Reports
from states.seminars import Seminars
from states.sweep import Sweeper


@dataclass(frozen=True, slots=True)
class Patok:
    """Everything a door needs: the engine, cohort operations, benchmarking (planning, project
    content, seminars, reports) and queries on one store."""

    settings: Settings
    database: SqlEngine | None
    uow_factory: UnitOfWorkFactory
    engine: Engine
    cohorts: CohortService
    queries: Queries
    sweeper: Sweeper
    extensions: Extensions
    planning: Planning
    content: ProjectContent
    seminars: Seminars
    reports: Reports
    accounts: Accounts

    def with_clock(self, clock: Clock) -> Patok:
        """The same store and settings driven by another clock (demos, simulations)."""
        return _assemble(self.settings, self.database, self.uow_factory, clock)

    def close(self) -> None:
        """Release the database connections."""
        if self.database is not None:
            self.database.dispose()


def _assemble(
    settings: Settings, database: SqlEngine | None, factory: UnitOfWorkFactory, clock: Clock
) -> Patok:
    engine = Engine(factory, clock, Notices(settings.public_url))
    sweeper = build_sweeper(engine, settings)
    seminars = Seminars(engine)
    hasher = Argon2Hasher(settings.argon2_time_cost, settings.argon2_memory_kib)
    times = SessionTimes(
        lifetime=timedelta(hours=settings.session_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )
    return Patok(
        settings,
        database,
        factory,
        engine,
        CohortService(engine, builtin_programmes()),
        Queries(engine),
        sweeper,
        Extensions(engine),
        Planning(engine),
        ProjectContent(engine),
        seminars,
        Reports(engine, seminars),
        Accounts(engine, hasher, times),
    )


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    uow_factory: UnitOfWorkFactory | None = None,
) -> Patok:
    """Wire patok: settings, logging, the store (SQL, migrated on first use, unless a unit-of-work
    factory is given, as unit tests do with fakes) and the engine."""
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    database: SqlEngine | None = None
    if uow_factory is None:
        database = make_engine(settings.resolved_database_url())
        if migrate:
            upgrade(database)
        uow_factory = SqlUnitOfWorkFactory(database)
    return _assemble(settings, database, uow_factory, clock or SystemClock())
