"""Accounts: the rules for passwords, sessions, API tokens and slowing down failed logins.

Pure rules only — hashing, storage and randomness live in the adapters and in ``states/accounts``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import ValidationFailed
from domain.model import Person

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
TOKEN_PREFIX = "patok_"
"""Every API token starts with this, so a leaked one is easy to recognise and to search for."""
FREE_FAILURES = 3
"""Failed logins allowed before each further attempt has to wait."""
MAX_LOGIN_DELAY = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(hours=24)
"""Failed logins older than this are forgotten: the count starts again."""


def check_new_password(password: str, person: Person) -> None:
    """Refuse a password that is too short, too long, or made of the person's own identifiers."""
    problems_id: list[str] = []
    problems_en: list[str] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems_id.append(f"minimal {PASSWORD_MIN_LENGTH} karakter")
        problems_en.append(f"at least {PASSWORD_MIN_LENGTH} characters")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems_id.append(f"maksimal {PASSWORD_MAX_LENGTH} karakter")
        problems_en.append(f"at most {PASSWORD_MAX_LENGTH} characters")
    lowered = password.lower()
    mailbox = person.email.split("@", 1)[0].lower()
    if person.nip in password or (len(mailbox) >= 4 and mailbox in lowered):
        problems_id.append("tidak boleh memuat NIP atau nama e-mail Anda")
        problems_en.append("must not contain your NIP or e-mail name")
    if password and len(set(password)) < 4:
        problems_id.append("terlalu sederhana (paling sedikit 4 karakter berbeda)")
        problems_en.append("too simple (at least 4 different characters)")
    if problems_en:
        raise ValidationFailed(
            "Kata sandi ditolak: " + "; ".join(problems_id),
            "Password refused: " + "; ".join(problems_en),
            problems=problems_en,
        )


def login_delay(failures: int) -> timedelta:
    """How long a login must wait after ``failures`` consecutive failures.

    The first :data:`FREE_FAILURES` cost nothing (typos); after that the wait doubles with every
    failure — 2 s, 4 s, 8 s … — up to :data:`MAX_LOGIN_DELAY`."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - FREE_FAILURES + 1, 20)
    return min(timedelta(seconds=2**exponent), MAX_LOGIN_DELAY)


def normalise_login(login: str) -> str:
    """The key failed logins are counted under: an e-mail in lower case or an NIP without spaces."""
    text = login.strip().lower()
    return text.replace(" ", "").replace(".", "") if "@" not in text else text


def token_digest(secret: str) -> str:
    """What is stored for a session id or an API token: its SHA-256 (the secret itself is not).

    Both carry 256 bits of randomness, so a fast hash is enough; passwords use argon2."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionTimes:
    """How long a browser session lives: ``lifetime`` at most, ``idle`` without being used."""

    lifetime: timedelta
    idle: timedelta

    def expires_at(self, created_at: datetime, last_seen_at: datetime) -> datetime:
        """When a session created and last used at these instants ends."""
        return min(created_at + self.lifetime, last_seen_at + self.idle)
