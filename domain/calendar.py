"""Working days and deadlines in a cohort's time zone.

A working day is Monday to Friday that is neither an Indonesian national holiday nor a *cuti
bersama* (joint leave) day: the ``holidays`` package, country ``ID``, categories ``public`` and
``government`` (the latter holds cuti bersama). A cohort runs in one of Indonesia's three zones,
WIB (Asia/Jakarta), WITA (Asia/Makassar) or WIT (Asia/Jayapura); a deadline ("due") is the end of
the due working day, 23:59:59 local time, held as an aware UTC datetime.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays

from domain.errors import ValidationFailed

__all__ = ["ZONE_LABELS", "HolidayLanguage", "WorkingDayCalendar", "ZoneLabel"]

ZoneLabel = Literal["WIB", "WITA", "WIT"]
HolidayLanguage = Literal["id", "en_US"]

ZONE_LABELS: Mapping[str, ZoneLabel] = {
    "Asia/Jakarta": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
"""The time zones a cohort may run in, with their Indonesian labels."""

_END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
_MAX_SHIFTS = 100_000
"""Remembered working-day walks per calendar before the memory is cleared."""


def _require_aware(instant: datetime, name: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {instant!r}")


class WorkingDayCalendar:
    """Monday–Friday minus Indonesian national holidays and cuti bersama, in one time zone.

    ``extra_holidays`` adds non-working days (e.g. a regional holiday) with their names. Holiday
    names come from the ``holidays`` package in ``language`` (Bahasa Indonesia by default; set
    explicitly so the names do not depend on the process locale). Instances are safe to share
    between threads.
    """

    def __init__(
        self,
        tz: str = "Asia/Jakarta",
        extra_holidays: Mapping[date, str] | None = None,
        *,
        language: HolidayLanguage = "id",
    ) -> None:
        label = ZONE_LABELS.get(tz)
        if label is None:
            allowed_id = ", ".join(f"{name} ({lbl})" for name, lbl in ZONE_LABELS.items())
            raise ValidationFailed(
                f"Zona waktu '{tz}' tidak dikenal; yang diperbolehkan: {allowed_id}",
                f"Unknown time zone '{tz}'; allowed: {allowed_id}",
                field="tz",
                value=tz,
                allowed=list(ZONE_LABELS),
            )
        self._tz_name = tz
        self._tz = ZoneInfo(tz)
        self._label: ZoneLabel = label
        self._extra: dict[date, str] = dict(extra_holidays or {})
        self._holidays: Any = holidays.country_holidays(
            "ID", categories=("public", "government"), language=language
        )
        self._names: dict[date, str | None] = {}
        self._shifts: dict[tuple[date, int, int], date] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WorkingDayCalendar(tz={self._tz_name!r}, extra_holidays={len(self._extra)})"

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's time zone."""
        return self._tz

    @property
    def tz_name(self) -> str:
        """The IANA name of the calendar's time zone, e.g. ``"Asia/Jakarta"``."""
        return self._tz_name

    @property
    def zone_label(self) -> ZoneLabel:
        """The Indonesian label of the time zone: ``"WIB"``, ``"WITA"`` or ``"WIT"``."""
        return self._label

    def _weekday_holiday(self, d: date) -> str | None:
        try:
            return self._names[d]
        except KeyError:
            pass
        with self._lock:
            names: list[str] = []
            package_name = self._holidays.get(d)
            if package_name:
                names.append(str(package_name))
            extra = self._extra.get(d)
            if extra and extra not in names:
                names.append(extra)
            name = "; ".join(names) if names else None
            self._names[d] = name
        return name

    def holiday_name(self, d: date) -> str | None:
        """The name of the holiday that makes weekday ``d`` a non-working day, else ``None``.

        Weekends return ``None`` (they are non-working without being holidays).
        """
        if d.weekday() >= _SATURDAY:
            return None
        return self._weekday_holiday(d)

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is Monday–Friday and not a national holiday or cuti bersama."""
        return d.weekday() < _SATURDAY and self._weekday_holiday(d) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start``.

        ``n == 0`` returns ``start`` if it is a working day, else the next working day.
        Raises :class:`ValueError` for ``n < 0``.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return self._shifted(start, n, _ONE_DAY)

    def subtract_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly before ``start`` (n >= 1); n == 0 is ``start`` itself if
        it is a working day, else the previous working day."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return self._shifted(start, -n, -_ONE_DAY)

    def _shifted(self, start: date, signed: int, step: timedelta) -> date:
        """Walk ``abs(signed)`` working days from ``start`` in the direction of ``step``; results
        are remembered (the calendar never changes), so a deadline costs a lookup."""
        key = (start, signed, step.days)
        found = self._shifts.get(key)
        if found is not None:
            return found
        day = start
        if signed == 0:
            while not self.is_working_day(day):
                day += step
        else:
            left = abs(signed)
            while left:
                day += step
                if self.is_working_day(day):
                    left -= 1
        if len(self._shifts) >= _MAX_SHIFTS:
            self._shifts.clear()
        self._shifts[key] = day
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days ``d`` with ``a < d <= b`` (0 when ``b <= a``)."""
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return count

    def local_date(self, instant: datetime) -> date:
        """The calendar date of aware ``instant`` in this calendar's zone.

        Raises :class:`ValueError` for a naive datetime.
        """
        _require_aware(instant, "instant")
        return instant.astimezone(self._tz).date()

    def end_of_day(self, d: date) -> datetime:
        """23:59:59 local time on ``d``, as an aware UTC datetime: what "due on ``d``" means."""
        return datetime.combine(d, _END_OF_DAY, tzinfo=self._tz).astimezone(UTC)

    def deadline(self, opened_at: datetime, working_days: int) -> datetime:
        """When something opened at ``opened_at`` with ``working_days`` allowed is due (UTC).

        The end of the ``working_days``-th working day after the local date of ``opened_at``.
        """
        return self.end_of_day(self.add_working_days(self.local_date(opened_at), working_days))

    def working_days_late(self, due_at: datetime, now: datetime) -> int:
        """How many working days past ``due_at`` it is at ``now``.

        0 while ``now <= due_at``; otherwise the working days after the local due date up to
        and including the local date of ``now``, and at least 1.
        """
        _require_aware(due_at, "due_at")
        _require_aware(now, "now")
        if now <= due_at:
            return 0
        return max(1, self.working_days_between(self.local_date(due_at), self.local_date(now)))
