"""Filtering the cohort board by facet: group, mentor, stage and status.

Each facet reads one value off a board row, so a new facet (such as the benchmarking group,
which rows carry once cohorts have groups) is one entry in :data:`FACETS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.programme import STAGE_CODES
from states.lifecycle import split_state
from states.queries import BoardRow


def _current_stage(row: BoardRow) -> str | None:
    return split_state(row.state)[0]


FACETS: dict[str, Callable[[BoardRow], str | None]] = {
    "group": lambda r: r.group,
    "mentor": lambda r: str(r.mentor.id),
    "stage": _current_stage,
    "status": lambda r: r.status,
}
"""How each facet's value is read off a row."""


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """The facet values asked for (None: any)."""

    group: str | None = None
    mentor: int | None = None
    stage: str | None = None
    status: str | None = None

    def wanted(self) -> dict[str, str]:
        """The facets that are set, as strings."""
        values = {"group": self.group, "mentor": self.mentor, "stage": self.stage, "status": self.status}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def filter_rows(rows: Iterable[BoardRow], wanted: BoardFilter) -> list[BoardRow]:
    """The rows whose every set facet has the value asked for."""
    need = wanted.wanted()
    return [r for r in rows if all(FACETS[k](r) == v for k, v in need.items())]


def status_counts(rows: Iterable[BoardRow]) -> dict[str, int]:
    """How many rows have each status."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts


def facet_options(rows: Iterable[BoardRow]) -> dict[str, list[tuple[str, str]]]:
    """The values each facet takes on the board, as (value, label) pairs, for the filter form.

    A facet with no values (no groups yet) offers nothing, and the form leaves it out."""
    rows = list(rows)
    groups = sorted({r.group for r in rows if r.group})
    mentors = sorted({(str(r.mentor.id), r.mentor.name) for r in rows}, key=lambda m: m[1])
    present = {_current_stage(r) for r in rows}
    stages = [s for s in STAGE_CODES if s in present]
    return {
        "group": [(g, g) for g in groups],
        "mentor": mentors,
        "stage": [(s, s) for s in stages],
        "status": [(s, s) for s in sorted({r.status for r in rows})],
    }
