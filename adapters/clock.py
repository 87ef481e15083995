"""Clocks: the system clock, and a settable one for tests, demos and ``--now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current instant."""
        return datetime.now(UTC)


class SettableClock:
    """A clock that stays where it is set; ``advance`` moves it forward."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("SettableClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        """The set instant."""
        return self._at

    def set(self, at: datetime) -> None:
        """Move the clock to ``at``."""
        self._at = at

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self._at += delta
