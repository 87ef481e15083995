"""What every CLI command shares: options state, wiring, refusals as one-line errors, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click
import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.i18n import Lang
from adapters.settings import Settings
from domain.errors import DomainError, NotFound, ValidationFailed
from domain.model import Person

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(slots=True)
class CliState:
    """Global options given before the command."""

    lang: Lang = "id"
    now: datetime | None = None
    patok: Patok | None = None


_state = CliState()


def state() -> CliState:
    """The process's CLI options."""
    return _state


def set_options(lang: Lang | None, now: str | None) -> None:
    """Record the global options (language, injected clock)."""
    settings = Settings()
    _state.lang = lang or settings.lang
    if now:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            fail(
                f"--now bukan waktu ISO 8601: {now!r}", f"--now is not an ISO 8601 instant: {now!r}"
            )
        _state.now = at if at.tzinfo else at.replace(tzinfo=UTC)


def patok() -> Patok:
    """The wired application (built once per process, migrated on first use)."""
    if _state.patok is None:
        clock = SettableClock(_state.now) if _state.now else None
        _state.patok = bootstrap(Settings(), clock=clock)
    return _state.patok


def one_line(text: str) -> str:
    """``text`` on a single line: its line breaks, and the spaces around them, become one space.

    Every refusal is one ``patok: …`` line, even when a message quotes a multi-line value (a
    parser's error, a name spanning lines); a refusal with several problems lists them on that
    line, separated by ``; `` (see :class:`domain.errors.RosterError`)."""
    lines = [line.strip() for line in text.splitlines()]
    return " ".join(line for line in lines if line)


def refuse(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` as a one-line refusal (``patok: …``) on stderr and exit with ``code``."""
    typer.echo(f"patok: {one_line(message)}", err=True)
    raise typer.Exit(code)


def fail(message_id: str, message_en: str, code: int = 1) -> NoReturn:
    """Print a one-line refusal in the chosen language and exit non-zero."""
    refuse(message_en if _state.lang == "en" else message_id, code)


def refusals(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors and invalid input into one clear line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except DomainError as err:
            refuse(err.text(_state.lang))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            refuse(f"{where}: {first['msg']}")
        except (typer.Exit, click.exceptions.ClickException, click.exceptions.Abort):
            raise
        except UnicodeDecodeError as err:
            fail("berkas bukan teks UTF-8", f"the file is not UTF-8 text ({err.reason})")
        except OSError as err:
            where = f": {err.filename}" if err.filename else ""
            fail(f"{err.strerror or err}{where}", f"{err.strerror or err}{where}")
        except OverflowError:
            fail("angka terlalu besar", "a number is too large")
        except SQLAlchemyError as err:
            reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
            fail(
                f"basis data tidak dapat dipakai: {reason}",
                f"the database cannot be used: {reason}",
            )
        except RuntimeError as err:
            fail(str(err), str(err))

    return wrapper


def actor(ref: str) -> Person:
    """The person named by ``--as``."""
    return patok().engine.resolve_actor(ref)


def actor_id(ref: str) -> int:
    """The id of the person named by ``--as``."""
    person = actor(ref)
    if person.id is None:
        raise NotFound(f"'{ref}' tidak ditemukan", f"'{ref}' not found")
    return person.id


def project_id(ref: str) -> int:
    """A project id, or the project of the participant named by NIP or e-mail."""
    if ref.isdigit() and len(ref) < 12:
        return int(ref)
    person: Person = patok().engine.resolve_actor(ref)
    with patok().engine.unit_of_work() as uow:
        ids = uow.projects.of_participant(person.id or 0)
    if len(ids) != 1:
        raise NotFound(
            f"{ref} punya {len(ids)} proyek ({', '.join(map(str, ids)) or '-'}); sebutkan nomornya",
            f"{ref} has {len(ids)} projects ({', '.join(map(str, ids)) or 'none'}); give its number",
        )
    return ids[0]


def parse_date(text: str, option: str) -> date:
    """A YYYY-MM-DD option value; ValidationFailed naming the option otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{option} bukan tanggal YYYY-MM-DD: {text!r}",
            f"{option} is not a YYYY-MM-DD date: {text!r}",
        ) from None


def warn(lines: list[str]) -> None:
    """Print warnings (one per line) on standard error, after a command succeeded."""
    label = "peringatan" if _state.lang == "id" else "warning"
    for line in lines:
        typer.echo(f"{label}: {line}", err=True)


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Write ``data`` to stdout as JSON."""
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")
