"""What every request handler reaches: the wired patok, authentication, templates and settings."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from adapters.bootstrap import Patok
from adapters.settings import Settings
from adapters.web.auth import WebAuth
from domain import policy
from domain.errors import NotFound
from states.accounts import Principal


@dataclass(frozen=True, slots=True)
class WebContext:
    """The web app's collaborators, built once in :func:`adapters.web.app.create_app`."""

    patok: Patok
    auth: WebAuth
    settings: Settings
    templates: Jinja2Templates
    prefect_ui_url: str | None

    def cohort_id_of_project(self, project_id: int) -> int:
        """The cohort a project belongs to; raises NotFound."""
        with self.patok.engine.unit_of_work() as uow:
            return uow.projects.get(project_id).cohort_id

    def scope_project(self, principal: Principal, project_id: int) -> None:
        """Refuse a cohort-scoped token reaching for a project of another cohort."""
        if principal.cohort_scope is None:
            return
        cohort_id = self.cohort_id_of_project(project_id)
        policy.require_in_scope(principal.cohort_scope, cohort_id, target=f"proyek {project_id}")

    def scope_cohort(self, principal: Principal, code: str) -> None:
        """Refuse a cohort-scoped token reaching for another cohort."""
        if principal.cohort_scope is None:
            return
        with self.patok.engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(code)
        assert cohort.id is not None
        policy.require_in_scope(principal.cohort_scope, cohort.id, target=f"angkatan {code}")

    def scope_code(self, principal: Principal) -> str | None:
        """The code of the cohort a token is scoped to (None for a person's own session)."""
        if principal.cohort_scope is None:
            return None
        with self.patok.engine.unit_of_work() as uow:
            try:
                return uow.cohorts.by_id(principal.cohort_scope).code
            except NotFound:
                return None


def web(request: Request) -> WebContext:
    """The web context of the app serving ``request``."""
    found: WebContext = request.app.state.web
    return found
