"""A racer process for the decision-race test: decides each project when the barrier opens."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from adapters.bootstrap import bootstrap
from adapters.settings import Settings
from domain.commands import ApproveStage, RequestChanges
from domain.errors import ConflictError, DomainError


def race(
    url: str,
    kind: str,
    tasks: list[tuple[int, int, int]],
    barrier: Barrier,
    results: Queue[tuple[int, str, str]],
) -> None:
    """For each (project, actor, version): wait at the barrier, then approve or request changes."""
    app = bootstrap(Settings(database_url=url, data_dir=Path("/tmp")), migrate=False)
    try:
        for project_id, actor_id, version in tasks:
            barrier.wait(timeout=60)
            try:
                if kind == "approve":
                    app.engine.approve(
                        ApproveStage(
                            actor_id=actor_id, project_id=project_id, expected_version=version
                        )
                    )
                else:
                    app.engine.request_changes(
                        RequestChanges(
                            actor_id=actor_id,
                            project_id=project_id,
                            comment="Perlu perbaikan",
                            expected_version=version,
                        )
                    )
                results.put((project_id, kind, "won"))
            except ConflictError:
                results.put((project_id, kind, "conflict"))
            except DomainError as err:
                results.put((project_id, kind, f"{type(err).__name__}: {err.message_en}"))
    finally:
        app.close()
