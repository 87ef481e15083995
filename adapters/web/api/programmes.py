"""Programme definitions: the built-in ones, and checking a definition of one's own."""

from __future__ import annotations

from fastapi import APIRouter

from adapters.programmes import builtin_programmes
from adapters.web.api.deps import Pages, Reader
from adapters.web.api.schemas import (
    Page,
    ProgrammeCheck,
    ProgrammeChecked,
    ProgrammeSummary,
    page,
)
from domain.programme import (
    ProgrammeDefinition,
    get_programme,
    parse_programme_yaml,
    programme_checksum,
)

router = APIRouter(tags=["programmes"])


@router.get("/programmes", response_model=Page[ProgrammeSummary])
def list_programmes(who: Reader, paging: Pages) -> Page[ProgrammeSummary]:
    """The built-in programmes (PKA, PKP, PKN II, PIM III, PIM IV)."""
    found = [
        ProgrammeSummary(
            code=p.code,
            version=p.version,
            name=p.name,
            name_en=p.name_en,
            project_term=p.project_term,
        )
        for p in builtin_programmes().values()
    ]
    return Page[ProgrammeSummary](**page(found, paging.limit, paging.offset))


@router.get("/programmes/{code}", response_model=ProgrammeDefinition)
def show_programme(code: str, who: Reader) -> ProgrammeDefinition:
    """A programme's stages, approvers, artifacts, durations, reminders and escalation ladders."""
    return get_programme(code, builtin_programmes())


@router.post("/programmes/check", response_model=ProgrammeChecked)
def check_programme(body: ProgrammeCheck, who: Reader) -> ProgrammeChecked:
    """Validate a programme definition (YAML); a bad one is refused naming the field and why."""
    p = parse_programme_yaml(body.yaml, "request")
    return ProgrammeChecked(
        code=p.code, version=p.version, checksum=programme_checksum(p), stages=len(p.stages)
    )
