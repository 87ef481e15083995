"""Tests for domain.nip: parsing, normalising and refusing civil-servant numbers."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, ValidationError

from domain.errors import InvalidNIP, ValidationFailed
from domain.nip import NIP, Gender, NipStr, parse_nip, synthetic_nip

VALID = "198001012005011001"


class _Participant(BaseModel):
    nip: NipStr


def test_valid_nip_parses_into_all_its_parts() -> None:
    nip = parse_nip(VALID)

    assert nip.value == VALID
    assert nip.birth_date == date(1980, 1, 1)
    assert nip.appointment_year == 2005
    assert nip.appointment_month == 1
    assert nip.gender == "male"
    assert nip.serial == 1
    assert str(nip) == VALID
    assert nip.formatted() == "19800101 200501 1 001"


def test_female_gender_digit_parses_as_female() -> None:
    assert parse_nip("197512312001122123").gender == "female"


@pytest.mark.parametrize(
    "text",
    [
        "19800101 200501 1 001",
        "  19800101 200501 1 001\n",
        "19800101.200501.1.001",
        "\t198001012005011001 ",
    ],
)
def test_spaced_dotted_and_padded_forms_normalise_to_18_digits(text: str) -> None:
    assert parse_nip(text).value == VALID


def test_nip_is_frozen_and_equal_by_value() -> None:
    nip = parse_nip(VALID)

    assert nip == parse_nip("19800101 200501 1 001")
    assert hash(nip) == hash(parse_nip("19800101.200501.1.001"))
    with pytest.raises(ValidationError):
        nip.serial = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "part", "distinctive"),
    [
        pytest.param("19800101200501100", "length", "found 17 digits", id="too-short"),
        pytest.param("1980010120050110011", "length", "found 19 digits", id="too-long"),
        pytest.param("", "length", "found 0 digits", id="empty"),
        pytest.param("19800101A005011001", "characters", "only digits", id="letter"),
        pytest.param("19800101-200501-1-001", "characters", "'-'", id="dash-separator"),
        pytest.param("19800101  200501 1 001", "characters", "' '", id="double-space"),
        pytest.param("19800231200501 1001", "birth_date", "not a real date", id="31-feb"),
        pytest.param("19801301200501 1001", "birth_date", "not a real date", id="birth-month-13"),
        pytest.param("193501012005011001", "birth_date", "Birth year", id="born-1935"),
        pytest.param("201101012035011001", "birth_date", "between 1940 and 2010", id="born-2011"),
        pytest.param("198001012005131001", "appointment", "must be 01 to 12", id="appt-month-13"),
        pytest.param("198001012005001001", "appointment", "must be 01 to 12", id="appt-month-00"),
        pytest.param("194001011959011001", "appointment", "between 1960 and 2099", id="1959"),
        pytest.param("198001012100011001", "appointment", "between 1960 and 2099", id="2100"),
        pytest.param("198006152998051001", "appointment", "between 1960 and 2099", id="2998"),
        pytest.param("198006151998051001", "appointment", "turned 18", id="aged-17"),
        pytest.param("198001012005013001", "gender", "1 (male) or 2 (female)", id="gender-3"),
        pytest.param("198001012005010001", "gender", "found 0", id="gender-0"),
        pytest.param("198001012005011000", "serial", "must not be 000", id="serial-000"),
    ],
)
def test_invalid_nip_is_refused_with_a_message_naming_the_wrong_part(
    text: str, part: str, distinctive: str
) -> None:
    with pytest.raises(InvalidNIP) as caught:
        parse_nip(text)

    error = caught.value
    assert distinctive in error.message_en
    assert error.details == {"nip": text, "part": part}
    assert error.message_id and error.message_id != error.message_en
    assert isinstance(error, ValidationFailed)
    assert error.code == "invalid_nip"


def test_appointment_in_the_month_of_the_18th_birthday_is_accepted() -> None:
    nip = parse_nip("198006151998061001")

    assert (nip.appointment_year, nip.appointment_month) == (1998, 6)


def test_appointment_one_month_before_the_18th_birthday_month_is_refused() -> None:
    with pytest.raises(InvalidNIP, match="earliest 1998-06"):
        parse_nip("198006151998051001")


def test_bounds_of_plausible_years_are_accepted() -> None:
    assert parse_nip("194001011960011001").birth_date == date(1940, 1, 1)
    assert parse_nip("201012312099122999").appointment_year == 2099


def test_leap_day_birth_date_is_a_real_date() -> None:
    assert parse_nip("200002292020011001").birth_date == date(2000, 2, 29)


def test_indonesian_message_is_given_too() -> None:
    with pytest.raises(InvalidNIP) as caught:
        parse_nip("1980")

    assert "ditemukan 4 digit" in caught.value.text("id")
    assert "found 4 digits" in caught.value.text("en")


@pytest.mark.parametrize(
    ("birth", "year", "month", "gender", "serial"),
    [
        (date(1980, 1, 1), 2005, 1, "male", 1),
        (date(1992, 11, 30), 2019, 3, "female", 999),
        (date(2000, 2, 29), 2025, 12, "female", 42),
    ],
)
def test_synthetic_nip_round_trips_through_parse_nip(
    birth: date, year: int, month: int, gender: Gender, serial: int
) -> None:
    text = synthetic_nip(birth, year, month, gender, serial)
    nip = parse_nip(text)

    assert len(text) == 18 and text.isdigit()
    assert nip.value == text
    assert nip.birth_date == birth
    assert (nip.appointment_year, nip.appointment_month) == (year, month)
    assert nip.gender == gender
    assert nip.serial == serial


def test_synthetic_nip_refuses_parts_that_cannot_form_a_valid_nip() -> None:
    with pytest.raises(InvalidNIP, match="1 to 999"):
        synthetic_nip(date(1980, 1, 1), 2005, 1, "male", 1000)
    with pytest.raises(InvalidNIP, match="turned 18"):
        synthetic_nip(date(1990, 1, 1), 2005, 1, "male", 1)


def test_pydantic_model_with_nipstr_normalises_a_spaced_nip() -> None:
    assert _Participant(nip=" 19800101 200501 1 001 ").nip == VALID


def test_pydantic_model_with_nipstr_rejects_a_bad_nip_with_a_readable_message() -> None:
    with pytest.raises(ValidationError) as caught:
        _Participant(nip="198001012005013001")

    errors = caught.value.errors()
    assert len(errors) == 1
    assert errors[0]["type"] == "invalid_nip"
    assert errors[0]["loc"] == ("nip",)
    assert errors[0]["msg"].startswith("Gender digit in the NIP")
    assert "Gender digit in the NIP (digit 15) must be 1 (male) or 2 (female)" in str(caught.value)


def test_nip_as_a_pydantic_field_accepts_the_number_as_text() -> None:
    class Row(BaseModel):
        nip: NIP

    row = Row.model_validate({"nip": "19800101 200501 1 001"})

    assert row.nip == parse_nip(VALID)
    with pytest.raises(ValidationError, match="must not be 000"):
        Row.model_validate({"nip": "198001012005011000"})


def test_nip_built_from_parts_that_contradict_its_value_is_refused() -> None:
    with pytest.raises(ValidationError, match="do not match"):
        NIP(
            value=VALID,
            birth_date=date(1980, 1, 2),
            appointment_year=2005,
            appointment_month=1,
            gender="male",
            serial=1,
        )
