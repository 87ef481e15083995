"""NIP (Nomor Induk Pegawai), the 18-digit Indonesian civil-servant number.

Layout: birth date ``YYYYMMDD`` (digits 1–8), appointment month / TMT CPNS ``YYYYMM`` (digits
9–14), gender digit (15: ``1`` male, ``2`` female) and a serial (digits 16–18, never ``000``).

:func:`parse_nip` accepts the number as people type it (surrounding whitespace, single spaces or
dots between groups) and returns a :class:`NIP` whose ``value`` is the bare 18 digits. Every
refusal is a :class:`domain.errors.InvalidNIP` naming exactly which part is wrong, in Bahasa
Indonesia and in English. :data:`NipStr` is the pydantic field type for models that store an NIP
as a normalised string.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, TypedDict

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from domain.errors import InvalidNIP

__all__ = [
    "APPOINTMENT_YEAR_MAX",
    "APPOINTMENT_YEAR_MIN",
    "BIRTH_YEAR_MAX",
    "BIRTH_YEAR_MIN",
    "MIN_APPOINTMENT_AGE",
    "NIP",
    "NIP_LENGTH",
    "Gender",
    "NipStr",
    "parse_nip",
    "synthetic_nip",
]

Gender = Literal["male", "female"]

NIP_LENGTH = 18
BIRTH_YEAR_MIN = 1940
BIRTH_YEAR_MAX = 2010
APPOINTMENT_YEAR_MIN = 1960
APPOINTMENT_YEAR_MAX = 2099
MIN_APPOINTMENT_AGE = 18

_DIGITS = frozenset("0123456789")
# A single space or dot between two digits is a group separator and is dropped.
_SEPARATOR = re.compile(r"(?<=[0-9])[ .](?=[0-9])")
_GENDER_BY_DIGIT: dict[str, Gender] = {"1": "male", "2": "female"}
_DIGIT_BY_GENDER: dict[Gender, str] = {"male": "1", "female": "2"}


class _Parts(TypedDict):
    value: str
    birth_date: date
    appointment_year: int
    appointment_month: int
    gender: Gender
    serial: int


def _refuse(text: str, part: str, message_id: str, message_en: str) -> InvalidNIP:
    return InvalidNIP(message_id, message_en, nip=text, part=part)


def _decode(text: str) -> _Parts:
    """Normalise and check ``text``; return the parts or raise :class:`InvalidNIP`."""
    digits = _SEPARATOR.sub("", text.strip())

    for ch in digits:
        if ch not in _DIGITS:
            raise _refuse(
                text,
                "characters",
                f"NIP hanya boleh berisi angka (spasi atau titik tunggal di antara kelompok "
                f"angka diperbolehkan); ditemukan karakter {ch!r}",
                f"NIP may contain only digits (a single space or dot between groups is "
                f"allowed); found the character {ch!r}",
            )

    if len(digits) != NIP_LENGTH:
        raise _refuse(
            text,
            "length",
            f"NIP harus terdiri atas {NIP_LENGTH} digit; ditemukan {len(digits)} digit",
            f"NIP must have {NIP_LENGTH} digits; found {len(digits)} digits",
        )

    birth_text = digits[0:8]
    birth_year, birth_month, birth_day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    if not BIRTH_YEAR_MIN <= birth_year <= BIRTH_YEAR_MAX:
        raise _refuse(
            text,
            "birth_date",
            f"Tahun lahir dalam NIP ({birth_year:04d}) harus antara {BIRTH_YEAR_MIN} "
            f"dan {BIRTH_YEAR_MAX}",
            f"Birth year in the NIP ({birth_year:04d}) must be between {BIRTH_YEAR_MIN} "
            f"and {BIRTH_YEAR_MAX}",
        )
    try:
        birth_date = date(birth_year, birth_month, birth_day)
    except ValueError:
        raise _refuse(
            text,
            "birth_date",
            f"Tanggal lahir dalam NIP (digit 1–8, '{birth_text}') bukan tanggal yang ada",
            f"Birth date in the NIP (digits 1–8, '{birth_text}') is not a real date",
        ) from None

    appointment_year, appointment_month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= appointment_month <= 12:
        raise _refuse(
            text,
            "appointment",
            f"Bulan pengangkatan (TMT CPNS) dalam NIP ({digits[12:14]}) harus 01 sampai 12",
            f"Appointment month (TMT CPNS) in the NIP ({digits[12:14]}) must be 01 to 12",
        )
    if not APPOINTMENT_YEAR_MIN <= appointment_year <= APPOINTMENT_YEAR_MAX:
        raise _refuse(
            text,
            "appointment",
            f"Tahun pengangkatan (TMT CPNS) dalam NIP ({appointment_year:04d}) harus antara "
            f"{APPOINTMENT_YEAR_MIN} dan {APPOINTMENT_YEAR_MAX}",
            f"Appointment year (TMT CPNS) in the NIP ({appointment_year:04d}) must be between "
            f"{APPOINTMENT_YEAR_MIN} and {APPOINTMENT_YEAR_MAX}",
        )
    earliest = (birth_year + MIN_APPOINTMENT_AGE, birth_month)
    if (appointment_year, appointment_month) < earliest:
        raise _refuse(
            text,
            "appointment",
            f"Pengangkatan (TMT CPNS {appointment_year:04d}-{appointment_month:02d}) sebelum "
            f"pemegang NIP berusia {MIN_APPOINTMENT_AGE} tahun (paling awal "
            f"{earliest[0]:04d}-{earliest[1]:02d} untuk tanggal lahir {birth_date.isoformat()})",
            f"Appointment (TMT CPNS {appointment_year:04d}-{appointment_month:02d}) is before "
            f"the holder turned {MIN_APPOINTMENT_AGE} (earliest {earliest[0]:04d}-"
            f"{earliest[1]:02d} for birth date {birth_date.isoformat()})",
        )

    gender = _GENDER_BY_DIGIT.get(digits[14])
    if gender is None:
        raise _refuse(
            text,
            "gender",
            f"Digit jenis kelamin dalam NIP (digit ke-15) harus 1 (laki-laki) atau 2 "
            f"(perempuan); ditemukan {digits[14]}",
            f"Gender digit in the NIP (digit 15) must be 1 (male) or 2 (female); "
            f"found {digits[14]}",
        )

    serial = int(digits[15:18])
    if serial == 0:
        raise _refuse(
            text,
            "serial",
            "Nomor urut dalam NIP (digit 16–18) tidak boleh 000",
            "Serial number in the NIP (digits 16–18) must not be 000",
        )

    return _Parts(
        value=digits,
        birth_date=birth_date,
        appointment_year=appointment_year,
        appointment_month=appointment_month,
        gender=gender,
        serial=serial,
    )


def _pydantic_error(error: InvalidNIP) -> PydanticCustomError:
    return PydanticCustomError(
        "invalid_nip",
        "{message}",
        {
            "message": error.message_en,
            "message_id": error.message_id,
            "part": error.details["part"],
        },
    )


class NIP(BaseModel):
    """A parsed, valid NIP: the normalised 18 digits and what they encode.

    Build one with :func:`parse_nip`. As a pydantic field type it also accepts the NIP as a
    string (in any form :func:`parse_nip` accepts); constructing it from parts checks that the
    parts agree with ``value``.
    """

    model_config = ConfigDict(frozen=True)

    value: str
    birth_date: date
    appointment_year: int
    appointment_month: int
    gender: Gender
    serial: int

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            try:
                return dict(_decode(data))
            except InvalidNIP as error:
                raise _pydantic_error(error) from None
        return data

    @model_validator(mode="after")
    def _parts_agree(self) -> NIP:
        try:
            parts = _decode(self.value)
        except InvalidNIP as error:
            raise _pydantic_error(error) from None
        if dict(parts) != {
            "value": self.value,
            "birth_date": self.birth_date,
            "appointment_year": self.appointment_year,
            "appointment_month": self.appointment_month,
            "gender": self.gender,
            "serial": self.serial,
        }:
            raise ValueError(
                f"NIP parts do not match its value {self.value!r}; build it with parse_nip"
            )
        return self

    def __str__(self) -> str:
        return self.value

    def formatted(self) -> str:
        """The NIP grouped for reading: ``"19800101 200501 1 001"``."""
        v = self.value
        return f"{v[0:8]} {v[8:14]} {v[14]} {v[15:18]}"


def parse_nip(text: str) -> NIP:
    """Parse an NIP as typed by a person into a :class:`NIP`.

    Surrounding whitespace and a single space or dot between digit groups are accepted
    (``"19800101 200501 1 001"``, ``"19800101.200501.1.001"``). Raises
    :class:`domain.errors.InvalidNIP` (details ``nip`` and ``part``) naming what is wrong.
    """
    return NIP.model_construct(**_decode(text))


def _validate_nip_str(text: str) -> str:
    try:
        return _decode(text)["value"]
    except InvalidNIP as error:
        raise _pydantic_error(error) from None


NipStr = Annotated[str, AfterValidator(_validate_nip_str)]
"""Pydantic field type: a valid NIP, stored as its normalised 18 digits."""


def synthetic_nip(
    birth: date,
    appointment_year: int,
    appointment_month: int,
    gender: Gender,
    serial: int,
) -> str:
    """Build a valid 18-digit NIP from its parts (for demo and test data).

    Raises :class:`domain.errors.InvalidNIP` if the parts cannot form a valid NIP (for example a
    serial outside 1..999 or an appointment before age 18).
    """
    text = (
        f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
        f"{appointment_year:04d}{appointment_month:02d}"
    )
    if not (0 <= appointment_year <= 9999 and 0 <= appointment_month <= 99):
        raise InvalidNIP(
            f"Tahun/bulan pengangkatan tidak dapat dijadikan NIP: "
            f"{appointment_year}-{appointment_month}",
            f"Appointment year/month cannot form an NIP: {appointment_year}-{appointment_month}",
            nip=text,
            part="appointment",
        )
    if not 1 <= serial <= 999:
        raise InvalidNIP(
            f"Nomor urut NIP harus 1 sampai 999; diberikan {serial}",
            f"NIP serial number must be 1 to 999; given {serial}",
            nip=text,
            part="serial",
        )
    return _decode(f"{text}{_DIGIT_BY_GENDER[gender]}{serial:03d}")["value"]
