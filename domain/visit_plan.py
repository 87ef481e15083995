"""Benchmarking plans from files: host partners, groups and visits as YAML, or a visit's agenda as
CSV. Parsing collects *every* problem, each named with its line and field, and refuses with one
:class:`~domain.errors.PlanError`; what parses is a :class:`~domain.benchmarking.BenchmarkPlan`
whose items remember where they came from, so the checks against the cohort (unknown hosts,
groups or people, overlapping visits) name the line and field too.

YAML (``.yaml``/``.yml``) — a mapping with any of these lists (Indonesian keys accepted)::

    hosts:            # mitra
      - {code, agency, unit, city, timezone, province, focus, reasons: [...],
         contact: {name, role, phone, email}}
    groups:           # kelompok
      - {code, theme, hosts: [host codes], members: [NIP or e-mail, ...]}
    visits:           # kunjungan
      - {code, host, city, timezone, from, to, groups: [...], participants: [...],
         companions: [...], note,
         agenda: [{date, start, end, host, group, topic}, ...]}

Locations read ``plan.yaml visits[0].agenda[2].host (line 17)``; list indices count from 0.

CSV (``.csv``) — one row per agenda item, with a header; rows with the same ``visit`` form one
visit whose days run from its first to its last agenda day::

    visit,date,start,end,host,group,topic,participants,companions,city,timezone,note

``participants`` and ``companions`` hold NIPs or e-mails separated by ``;``; a row's ``group``
also books that group's members on the visit. Locations read ``plan.csv line 5, column date``.

Pure: it parses text it is given.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any, Final, Literal

import yaml

from domain.benchmarking import (
    AgendaSpec,
    BenchmarkPlan,
    Contact,
    GroupSpec,
    HostSpec,
    VisitSpec,
)
from domain.errors import PlanError
from domain.problems import Problems, Where

__all__ = ["PLAN_EXTENSIONS", "PlanFormat", "dump_plan", "parse_plan", "plan_format"]

PlanFormat = Literal["csv", "yaml"]
PLAN_EXTENSIONS: Final[Mapping[str, PlanFormat]] = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}

_TOP: Final[Mapping[str, str]] = {
    "hosts": "hosts",
    "mitra": "hosts",
    "lokus": "hosts",
    "groups": "groups",
    "kelompok": "groups",
    "visits": "visits",
    "kunjungan": "visits",
}
_HOST_KEYS = (
    "code",
    "agency",
    "unit",
    "city",
    "timezone",
    "province",
    "focus",
    "reasons",
    "contact",
)
_CONTACT_KEYS = ("name", "role", "phone", "email")
_GROUP_KEYS = ("code", "theme", "hosts", "members")
_VISIT_KEYS = (
    "code",
    "host",
    "city",
    "timezone",
    "from",
    "to",
    "groups",
    "participants",
    "companions",
    "note",
    "agenda",
)
_AGENDA_KEYS = ("date", "start", "end", "host", "group", "topic")
_ALIASES: Final[Mapping[str, str]] = {
    "kode": "code",
    "instansi": "agency",
    "kota": "city",
    "zona": "timezone",
    "provinsi": "province",
    "fokus": "focus",
    "alasan": "reasons",
    "narahubung": "contact",
    "nama": "name",
    "jabatan": "role",
    "telepon": "phone",
    "tema": "theme",
    "anggota": "members",
    "mitra": "hosts",
    "dari": "from",
    "sampai": "to",
    "kelompok": "groups",
    "peserta": "participants",
    "pendamping": "companions",
    "catatan": "note",
    "tanggal": "date",
    "mulai": "start",
    "selesai": "end",
    "topik": "topic",
}
CSV_COLUMNS: Final[tuple[str, ...]] = (
    "visit",
    "date",
    "start",
    "end",
    "host",
    "group",
    "topic",
    "participants",
    "companions",
    "city",
    "timezone",
    "note",
)
_CSV_REQUIRED: Final[tuple[str, ...]] = ("visit", "date", "host", "topic")
_SPLIT = re.compile(r"[;\n]+")


def plan_format(filename: str) -> PlanFormat:
    """The plan format a file name implies; PlanError naming the allowed extensions otherwise."""
    suffix = PurePath(filename).suffix.lower()
    fmt = PLAN_EXTENSIONS.get(suffix)
    if fmt is None:
        allowed = ", ".join(PLAN_EXTENSIONS)
        raise PlanError(
            [
                f"{filename}: ekstensi {suffix or '(tanpa ekstensi)'} tidak didukung; gunakan {allowed}"
            ],
            [f"{filename}: extension {suffix or '(none)'} is not supported; use {allowed}"],
        )
    return fmt


def parse_plan(text: str, fmt: PlanFormat, source: str = "plan") -> BenchmarkPlan:
    """Parse a plan; raise one PlanError listing every problem with its line and field."""
    problems = Problems()
    text = text.removeprefix("\ufeff")
    plan = (
        _parse_csv(text, source, problems) if fmt == "csv" else _parse_yaml(text, source, problems)
    )
    if problems:
        raise PlanError(problems.id, problems.en)
    return plan


# --- values ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


def _date(value: Any, where: Where, problems: Problems) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(
            where,
            f"{value!r} bukan tanggal YYYY-MM-DD",
            f"{value!r} is not a YYYY-MM-DD date",
        )
        return None


def _time(value: Any, where: Where, problems: Problems) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)  # YAML 1.1 reads 9:30 as sexagesimal 570
    try:
        return time.fromisoformat(str(value).strip().replace(".", ":"))
    except ValueError:
        problems.add(where, f"{value!r} bukan jam HH:MM", f"{value!r} is not an HH:MM time")
        return None


def _refs(value: Any) -> tuple[str, ...]:
    """A list of references from a YAML list or a ``;``-separated text."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else _SPLIT.split(str(value))
    return tuple(t for t in (_text(i) for i in items) if t)


def _codes(value: Any) -> tuple[str, ...]:
    """Codes from a YAML list or a text separated by ``;``, ``,`` or spaces."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"[;,\s]+", str(value))
    return tuple(t for t in (_text(i) for i in items) if t)


# --- YAML -----------------------------------------------------------------------------------------


def _lines(node: yaml.Node | None, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    """Line numbers (from 1) of every key and list item below ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (key_node.value,)
            out[path + key] = key_node.start_mark.line + 1
            _lines(value_node, path + key, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + 1
            _lines(item, (*path, index), out)


class _Yaml:
    """Reads one YAML plan, naming every problem with its path and line."""

    def __init__(self, source: str, lines: dict[tuple[Any, ...], int], problems: Problems) -> None:
        self.source = source
        self.lines = lines
        self.problems = problems

    def at(self, path: tuple[Any, ...]) -> Where:
        label = ""
        for part in path:
            label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else str(part))
        line = None
        probe = path
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        if line is None:
            return f"{self.source} {label}", f"{self.source} {label}"
        return f"{self.source} {label} (baris {line})", f"{self.source} {label} (line {line})"

    def mapping(
        self, value: Any, path: tuple[Any, ...], allowed: tuple[str, ...]
    ) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]]] | None:
        """A record's fields by their English names, and each field's path; None if not a mapping."""
        if not isinstance(value, dict):
            self.problems.add(
                self.at(path),
                "harus berupa pemetaan (kunci: nilai)",
                "must be a mapping (key: value)",
            )
            return None
        fields: dict[str, Any] = {}
        paths: dict[str, tuple[Any, ...]] = {}
        for raw, item in value.items():
            key = str(raw).strip()
            name = _ALIASES.get(key.lower(), key.lower())
            if name not in allowed:
                self.problems.add(
                    self.at((*path, raw)),
                    f"kunci '{key}' tidak dikenal; yang diizinkan: {', '.join(allowed)}",
                    f"unknown key '{key}'; allowed: {', '.join(allowed)}",
                )
                continue
            fields[name] = item
            paths[name] = (*path, raw)
        return fields, paths

    def where(self, path: tuple[Any, ...], paths: dict[str, tuple[Any, ...]]) -> dict[str, Where]:
        out = {"": self.at(path)}
        out.update({name: self.at(p) for name, p in paths.items()})
        return out

    def listed(self, value: Any, path: tuple[Any, ...]) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(
                self.at(path),
                f"harus berupa daftar (list); ditemukan {type(value).__name__}",
                f"must be a list; found {type(value).__name__}",
            )
            return []
        return value

    def host(self, value: Any, path: tuple[Any, ...]) -> HostSpec | None:
        found = self.mapping(value, path, _HOST_KEYS)
        if found is None:
            return None
        f, paths = found
        contact = None
        if f.get("contact") is not None:
            c = self.mapping(f["contact"], paths["contact"], _CONTACT_KEYS)
            if c is not None:
                cf = c[0]
                contact = Contact(
                    name=_text(cf.get("name")),
                    role=_text(cf.get("role")),
                    phone=_text(cf.get("phone")) or None,
                    email=_text(cf.get("email")) or None,
                )
        reasons = f.get("reasons")
        return HostSpec(
            code=_text(f.get("code")),
            agency=_text(f.get("agency")),
            unit=_text(f.get("unit")),
            city=_text(f.get("city")),
            timezone=_text(f.get("timezone")),
            province=_text(f.get("province")),
            focus=_text(f.get("focus")),
            reasons=_refs(reasons)
            if isinstance(reasons, list)
            else ((_text(reasons),) if reasons else ()),
            contact=contact,
            where=self.where(path, paths),
        )

    def group(self, value: Any, path: tuple[Any, ...]) -> GroupSpec | None:
        found = self.mapping(value, path, _GROUP_KEYS)
        if found is None:
            return None
        f, paths = found
        return GroupSpec(
            code=_text(f.get("code")),
            theme=_text(f.get("theme")),
            members=_refs(f.get("members")),
            hosts=_codes(f.get("hosts")),
            where=self.where(path, paths),
        )

    def agenda(self, value: Any, path: tuple[Any, ...]) -> AgendaSpec | None:
        found = self.mapping(value, path, _AGENDA_KEYS)
        if found is None:
            return None
        f, paths = found
        where = self.where(path, paths)
        day = _date(f.get("date"), where.get("date", where[""]), self.problems)
        if day is None:
            if f.get("date") in (None, ""):
                self.problems.add(
                    where.get("date", where[""]), "tanggal wajib diisi", "the date is required"
                )
            return None
        return AgendaSpec(
            day=day,
            host=_text(f.get("host")),
            topic=_text(f.get("topic")),
            starts=_time(f.get("start"), where.get("start", where[""]), self.problems),
            ends=_time(f.get("end"), where.get("end", where[""]), self.problems),
            group=_text(f.get("group")) or None,
            where=where,
        )

    def visit(self, value: Any, path: tuple[Any, ...]) -> VisitSpec | None:
        found = self.mapping(value, path, _VISIT_KEYS)
        if found is None:
            return None
        f, paths = found
        where = self.where(path, paths)
        start = _date(f.get("from"), where.get("from", where[""]), self.problems)
        end = _date(f.get("to"), where.get("to", where[""]), self.problems)
        agenda = [
            item
            for index, raw in enumerate(self.listed(f.get("agenda"), paths.get("agenda", path)))
            if (item := self.agenda(raw, (*paths["agenda"], index))) is not None
        ]
        return VisitSpec(
            code=_text(f.get("code")),
            start=start,
            end=end,
            host_agency=_text(f.get("host")),
            city=_text(f.get("city")),
            timezone=_text(f.get("timezone")),
            groups=_codes(f.get("groups")),
            participants=_refs(f.get("participants")),
            companions=_refs(f.get("companions")),
            agenda=tuple(agenda),
            note=_text(f.get("note")),
            where={
                **where,
                "start": where.get("from", where[""]),
                "end": where.get("to", where[""]),
            },
        )


class _PlanLoader(yaml.SafeLoader):
    """YAML's safe loader, leaving dates as text so that a bad one is reported at its field."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_yaml(text: str, source: str, problems: Problems) -> BenchmarkPlan:
    try:
        loader = _PlanLoader(text)  # reads the whole text: a control character stops it here
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        code = f"U+{error.character:04X}" if isinstance(error.character, int) else "?"
        problems.add(
            (f"{source} baris {line}", f"{source} line {line}"),
            f"YAML tidak sah: karakter kendali {code} tidak diizinkan",
            f"invalid YAML: the control character {code} is not allowed",
        )
        return BenchmarkPlan(source=source)
    try:
        node = loader.get_single_node()
        data: Any = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        where = (
            (f"{source} baris {mark.line + 1}", f"{source} line {mark.line + 1}")
            if mark is not None
            else (source, source)
        )
        problems.add(where, f"YAML tidak sah: {reason}", f"invalid YAML: {reason}")
        return BenchmarkPlan(source=source)
    finally:
        loader.dispose()
    if data is None:
        return BenchmarkPlan(source=source)
    if not isinstance(data, dict):
        problems.add(
            (source, source),
            "tingkat teratas harus pemetaan dengan daftar hosts, groups, visits",
            "the top level must be a mapping with the lists hosts, groups, visits",
        )
        return BenchmarkPlan(source=source)
    lines: dict[tuple[Any, ...], int] = {}
    _lines(node, (), lines)
    reader = _Yaml(source, lines, problems)
    parsed: dict[str, list[Any]] = {"hosts": [], "groups": [], "visits": []}
    makers: dict[str, Callable[[Any, tuple[Any, ...]], Any]] = {
        "hosts": reader.host,
        "groups": reader.group,
        "visits": reader.visit,
    }
    for raw, value in data.items():
        name = _TOP.get(str(raw).strip().lower())
        if name is None:
            problems.add(
                reader.at((raw,)),
                f"kunci '{raw}' tidak dikenal; yang diizinkan: hosts, groups, visits",
                f"unknown key '{raw}'; allowed: hosts, groups, visits",
            )
            continue
        for index, item in enumerate(reader.listed(value, (raw,))):
            made = makers[name](item, (raw, index))
            if made is not None:
                parsed[name].append(made)
    return BenchmarkPlan(
        hosts=tuple(parsed["hosts"]),
        groups=tuple(parsed["groups"]),
        visits=tuple(parsed["visits"]),
        source=source,
    )


# --- CSV ------------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _parse_csv(text: str, source: str, problems: Problems) -> BenchmarkPlan:
    def at(line: int, column: str = "") -> Where:
        if column:
            return (
                f"{source} baris {line}, kolom {column}",
                f"{source} line {line}, column {column}",
            )
        return f"{source} baris {line}", f"{source} line {line}"

    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header: list[str] | None = None
    visits: dict[str, dict[str, Any]] = {}
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.add(
                at(reader.line_num or start), f"CSV tidak sah: {error}", f"invalid CSV: {error}"
            )
            break
        line = start
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in row]
            header = ["visit" if c == "kunjungan" else c for c in header]
            for c in header:
                if c not in CSV_COLUMNS:
                    problems.add(
                        at(line),
                        f"kolom '{c}' tidak dikenal; yang diizinkan: {', '.join(CSV_COLUMNS)}",
                        f"unknown column '{c}'; allowed: {', '.join(CSV_COLUMNS)}",
                    )
            for c in _CSV_REQUIRED:
                if c not in header:
                    problems.add(
                        at(line),
                        f"kolom wajib '{c}' tidak ada di baris judul",
                        f"required column '{c}' is missing from the header row",
                    )
            if problems:
                return BenchmarkPlan(source=source)
            continue
        cells = {c: (row[i].strip() if i < len(row) else "") for i, c in enumerate(header)}
        for c in _CSV_REQUIRED:
            if not cells.get(c):
                problems.add(at(line, c), "wajib diisi", "is required")
        code = cells.get("visit", "")
        if not code:
            continue
        visit = visits.setdefault(
            code,
            {
                "line": line,
                "agenda": [],
                "groups": {},
                "participants": {},
                "companions": {},
                "seen": {},
            },
        )
        for column in ("city", "timezone", "note"):
            value = cells.get(column, "")
            if not value:
                continue
            known = visit["seen"].get(column)
            if known is not None and known[0] != value:
                problems.add(
                    at(line, column),
                    f"kunjungan {code}: {column} {value!r} berbeda dari {known[0]!r} di baris {known[1]}",
                    f"visit {code}: {column} {value!r} differs from {known[0]!r} on line {known[1]}",
                )
            visit["seen"].setdefault(column, (value, line))
        day = _date(cells.get("date"), at(line, "date"), problems)
        starts = _time(cells.get("start"), at(line, "start"), problems)
        ends = _time(cells.get("end"), at(line, "end"), problems)
        group = cells.get("group") or None
        if group:
            visit["groups"].setdefault(group, line)
        for ref in _refs(cells.get("participants")):
            visit["participants"].setdefault(ref, line)
        for ref in _refs(cells.get("companions")):
            visit["companions"].setdefault(ref, line)
        if day is not None:
            visit["agenda"].append(
                AgendaSpec(
                    day=day,
                    host=cells.get("host", ""),
                    topic=cells.get("topic", ""),
                    starts=starts,
                    ends=ends,
                    group=group,
                    where={"": at(line), **{c: at(line, c) for c in _AGENDA_KEYS}},
                )
            )
    if header is None:
        problems.add(
            (source, source),
            "CSV kosong: baris judul tidak ada (kolom wajib: " + ", ".join(_CSV_REQUIRED) + ")",
            "empty CSV: there is no header row (required columns: "
            + ", ".join(_CSV_REQUIRED)
            + ")",
        )
    specs = []
    for code, v in visits.items():
        first = v["line"]
        seen = v["seen"]
        specs.append(
            VisitSpec(
                code=code,
                city=seen.get("city", ("",))[0],
                timezone=seen.get("timezone", ("",))[0],
                note=seen.get("note", ("",))[0],
                groups=tuple(v["groups"]),
                participants=tuple(v["participants"]),
                companions=tuple(v["companions"]),
                agenda=tuple(v["agenda"]),
                where={
                    "": at(first),
                    "code": at(first, "visit"),
                    "participants": at(first, "participants"),
                    "companions": at(first, "companions"),
                    "groups": at(first, "group"),
                    "city": at(seen.get("city", ("", first))[1], "city"),
                    "timezone": at(seen.get("timezone", ("", first))[1], "timezone"),
                    "host": at(first, "host"),
                    **{f"participants:{r}": at(n, "participants") for r, n in v["participants"].items()},
                    **{f"companions:{r}": at(n, "companions") for r, n in v["companions"].items()},
                    **{f"groups:{g}": at(n, "group") for g, n in v["groups"].items()},
                },
            )
        )
    return BenchmarkPlan(visits=tuple(specs), source=source)


# --- writing --------------------------------------------------------------------------------------


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [], (), {})}


def dump_plan(plan: BenchmarkPlan) -> str:
    """A plan as YAML that :func:`parse_plan` reads back to an equal plan."""
    data: dict[str, Any] = {}
    if plan.hosts:
        data["hosts"] = [
            _drop_empty(
                {
                    "code": h.code,
                    "agency": h.agency,
                    "unit": h.unit,
                    "city": h.city,
                    "province": h.province,
                    "timezone": h.timezone,
                    "focus": h.focus,
                    "reasons": list(h.reasons),
                    "contact": _drop_empty(h.contact.model_dump()) if h.contact else None,
                }
            )
            for h in plan.hosts
        ]
    if plan.groups:
        data["groups"] = [
            _drop_empty(
                {
                    "code": g.code,
                    "theme": g.theme,
                    "hosts": list(g.hosts),
                    "members": list(g.members),
                }
            )
            for g in plan.groups
        ]
    if plan.visits:
        data["visits"] = [
            _drop_empty(
                {
                    "code": v.code,
                    "host": v.host_agency,
                    "city": v.city,
                    "timezone": v.timezone,
                    "from": v.start,
                    "to": v.end,
                    "groups": list(v.groups),
                    "participants": list(v.participants),
                    "companions": list(v.companions),
                    "note": v.note,
                    "agenda": [
                        _drop_empty(
                            {
                                "date": a.day,
                                "start": a.starts.strftime("%H:%M") if a.starts else None,
                                "end": a.ends.strftime("%H:%M") if a.ends else None,
                                "host": a.host,
                                "group": a.group,
                                "topic": a.topic,
                            }
                        )
                        for a in v.agenda
                    ],
                }
            )
            for v in plan.visits
        ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
