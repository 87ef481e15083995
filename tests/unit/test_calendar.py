"""Tests for domain.calendar: Indonesian working days, time zones and deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkingDayCalendar
from domain.errors import Lang, ValidationFailed


@pytest.fixture(scope="module")
def wib() -> WorkingDayCalendar:
    """A calendar for a cohort on Western Indonesia Time (e.g. Lampung)."""
    return WorkingDayCalendar("Asia/Jakarta")


@pytest.fixture(scope="module")
def wit() -> WorkingDayCalendar:
    """A calendar for a cohort on Eastern Indonesia Time (e.g. Maluku)."""
    return WorkingDayCalendar("Asia/Jayapura")


def test_five_working_days_after_17_march_2026_skip_nyepi_idul_fitri_and_cuti_bersama(
    wib: WorkingDayCalendar,
) -> None:
    due = wib.add_working_days(date(2026, 3, 17), 5)

    assert due == date(2026, 3, 31)
    assert due.weekday() == 1  # Tuesday
    expected_names = {
        date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
        date(2026, 3, 19): "Hari Suci Nyepi",
        date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
        date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
        date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
    }
    for day, name in expected_names.items():
        assert not wib.is_working_day(day), day
        assert wib.holiday_name(day) == name
    # 21–22 March: Idul Fitri falls on the weekend; weekends are non-working, not "holidays".
    for day in (date(2026, 3, 21), date(2026, 3, 22)):
        assert not wib.is_working_day(day)
        assert wib.holiday_name(day) is None
    assert [wib.is_working_day(date(2026, 3, d)) for d in (25, 26, 27, 30, 31)] == [True] * 5


def test_holiday_names_can_be_given_in_english() -> None:
    calendar = WorkingDayCalendar("Asia/Jakarta", language="en_US")

    assert calendar.holiday_name(date(2026, 3, 19)) == "Day of Silence"
    assert calendar.holiday_name(date(2026, 3, 18)) == "Day of Silence Joint Holiday"


def test_good_friday_3_april_2026_is_a_holiday(wib: WorkingDayCalendar) -> None:
    assert not wib.is_working_day(date(2026, 4, 3))
    assert wib.holiday_name(date(2026, 4, 3)) == "Wafat Yesus Kristus"


def test_ordinary_weekday_is_a_working_day_without_a_holiday_name(
    wib: WorkingDayCalendar,
) -> None:
    assert wib.is_working_day(date(2026, 4, 6))
    assert wib.holiday_name(date(2026, 4, 6)) is None


def test_extra_holidays_are_non_working_days_with_their_names() -> None:
    calendar = WorkingDayCalendar("Asia/Makassar", {date(2026, 4, 7): "Hari Jadi Provinsi"})

    assert not calendar.is_working_day(date(2026, 4, 7))
    assert calendar.holiday_name(date(2026, 4, 7)) == "Hari Jadi Provinsi"
    assert calendar.add_working_days(date(2026, 4, 6), 1) == date(2026, 4, 8)


def test_add_zero_working_days_on_a_saturday_gives_the_following_monday(
    wib: WorkingDayCalendar,
) -> None:
    assert wib.add_working_days(date(2026, 4, 11), 0) == date(2026, 4, 13)


def test_add_zero_working_days_on_a_working_day_gives_that_day(wib: WorkingDayCalendar) -> None:
    assert wib.add_working_days(date(2026, 4, 8), 0) == date(2026, 4, 8)


def test_add_one_working_day_on_friday_gives_monday(wib: WorkingDayCalendar) -> None:
    assert wib.add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 13)


def test_add_negative_working_days_is_refused(wib: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        wib.add_working_days(date(2026, 4, 8), -1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2026, 4, 6), date(2026, 4, 6), 0),  # same day
        (date(2026, 4, 6), date(2026, 4, 7), 1),  # Monday -> Tuesday: only Tuesday counts
        (date(2026, 4, 7), date(2026, 4, 6), 0),  # reversed order counts nothing
        (date(2026, 4, 10), date(2026, 4, 13), 1),  # Friday -> Monday skips the weekend
        (date(2026, 4, 13), date(2026, 4, 10), 0),
        (date(2026, 3, 17), date(2026, 3, 31), 5),  # across Nyepi and Idul Fitri
        (date(2026, 3, 31), date(2026, 3, 17), 0),
        (date(2026, 4, 2), date(2026, 4, 6), 1),  # Good Friday and the weekend skipped
    ],
)
def test_working_days_between_counts_working_days_after_a_up_to_and_including_b(
    wib: WorkingDayCalendar, a: date, b: date, expected: int
) -> None:
    assert wib.working_days_between(a, b) == expected


def test_working_days_between_is_the_inverse_of_add_working_days(
    wib: WorkingDayCalendar,
) -> None:
    start = date(2026, 1, 2)
    for n in range(1, 131):
        assert wib.working_days_between(start, wib.add_working_days(start, n)) == n


@pytest.mark.parametrize(
    ("tz", "label", "utc_hour"),
    [
        ("Asia/Jakarta", "WIB", 16),
        ("Asia/Makassar", "WITA", 15),
        ("Asia/Jayapura", "WIT", 14),
    ],
)
def test_deadline_is_23_59_59_local_time_on_the_due_working_day_held_in_utc(
    tz: str, label: str, utc_hour: int
) -> None:
    calendar = WorkingDayCalendar(tz)
    opened_at = datetime(2026, 3, 17, 1, 0, tzinfo=ZoneInfo(tz))

    due = calendar.deadline(opened_at, 5)

    assert calendar.zone_label == label
    assert calendar.tz == ZoneInfo(tz)
    assert due == datetime(2026, 3, 31, utc_hour, 59, 59, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert due.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == datetime(2026, 3, 31, 23, 59, 59)


def test_wit_deadline_is_14_59_59_utc(wit: WorkingDayCalendar) -> None:
    assert wit.end_of_day(date(2026, 4, 8)) == datetime(2026, 4, 8, 14, 59, 59, tzinfo=UTC)


def test_deadline_counts_from_the_local_date_of_the_opening_instant(
    wib: WorkingDayCalendar, wit: WorkingDayCalendar
) -> None:
    # 15:30 UTC on Monday 6 April is 22:30 Monday in WIB but 00:30 Tuesday in WIT.
    opened_at = datetime(2026, 4, 6, 15, 30, tzinfo=UTC)

    assert wib.deadline(opened_at, 1) == wib.end_of_day(date(2026, 4, 7))
    assert wit.deadline(opened_at, 1) == wit.end_of_day(date(2026, 4, 8))


def test_instant_at_20_00_utc_is_the_next_local_date_in_wit(wit: WorkingDayCalendar) -> None:
    assert wit.local_date(datetime(2026, 4, 6, 20, 0, tzinfo=UTC)) == date(2026, 4, 7)


def test_instant_at_15_00_utc_is_the_same_date_in_wib_and_the_next_in_wit(
    wib: WorkingDayCalendar, wit: WorkingDayCalendar
) -> None:
    instant = datetime(2026, 4, 6, 15, 0, tzinfo=UTC)

    assert wib.local_date(instant) == date(2026, 4, 6)
    assert wit.local_date(instant) == date(2026, 4, 7)


def test_naive_datetimes_are_refused(wib: WorkingDayCalendar) -> None:
    naive = datetime(2026, 4, 6, 12, 0)
    aware = datetime(2026, 4, 6, 12, 0, tzinfo=UTC)

    with pytest.raises(ValueError, match="naive"):
        wib.local_date(naive)
    with pytest.raises(ValueError, match="naive"):
        wib.deadline(naive, 1)
    with pytest.raises(ValueError, match="naive"):
        wib.working_days_late(naive, aware)
    with pytest.raises(ValueError, match="naive"):
        wib.working_days_late(aware, naive)


def test_working_days_late_is_0_at_exactly_the_deadline_and_1_one_second_after(
    wib: WorkingDayCalendar,
) -> None:
    due = wib.end_of_day(date(2026, 4, 8))

    assert wib.working_days_late(due, due - timedelta(hours=5)) == 0
    assert wib.working_days_late(due, due) == 0
    assert wib.working_days_late(due, due + timedelta(seconds=1)) == 1


def test_working_days_late_counts_working_days_only(wib: WorkingDayCalendar) -> None:
    # Due end of Thursday 2 April; Good Friday and the weekend do not count.
    due = wib.end_of_day(date(2026, 4, 2))
    jakarta = ZoneInfo("Asia/Jakarta")

    assert wib.working_days_late(due, datetime(2026, 4, 3, 10, 0, tzinfo=jakarta)) == 1
    assert wib.working_days_late(due, datetime(2026, 4, 5, 10, 0, tzinfo=jakarta)) == 1
    assert wib.working_days_late(due, datetime(2026, 4, 6, 10, 0, tzinfo=jakarta)) == 1
    assert wib.working_days_late(due, datetime(2026, 4, 7, 10, 0, tzinfo=jakarta)) == 2
    # Due before Nyepi/Idul Fitri: 18 March to 31 March holds 5 working days.
    due_17 = wib.end_of_day(date(2026, 3, 17))
    assert wib.working_days_late(due_17, datetime(2026, 3, 31, 9, 0, tzinfo=jakarta)) == 5


def test_unknown_time_zone_is_refused_with_a_message_naming_the_allowed_ones() -> None:
    with pytest.raises(ValidationFailed) as caught:
        WorkingDayCalendar("Asia/Singapore")

    languages: tuple[Lang, ...] = ("id", "en")
    for lang in languages:
        message = caught.value.text(lang)
        assert "Asia/Singapore" in message
        for allowed in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "WIB", "WITA", "WIT"):
            assert allowed in message
    assert "Unknown time zone" in caught.value.message_en
    assert "tidak dikenal" in caught.value.message_id


def test_remembered_walks_keep_forward_and_backward_apart(wib: WorkingDayCalendar) -> None:
    # Saturday 21 March 2026 sits in the Idul Fitri holidays: zero working days forward is the
    # next working day, zero backward the previous one, whichever is asked (and remembered) first.
    saturday = date(2026, 3, 21)
    forward = wib.add_working_days(saturday, 0)
    backward = wib.subtract_working_days(saturday, 0)

    assert forward > saturday > backward
    assert wib.add_working_days(saturday, 0) == forward
    assert wib.subtract_working_days(saturday, 0) == backward
    assert WorkingDayCalendar("Asia/Jakarta").subtract_working_days(saturday, 0) == backward
