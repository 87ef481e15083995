"""A racer process for the decision-race tests: decides each project when the barrier opens."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from adapters.bootstrap import bootstrap
from adapters.settings import Settings
from domain.commands import ApproveStage, RequestChanges
from domain.errors import ConflictError, DomainError, IllegalTransition

Task = tuple[int, int, int | None]
"""(project, acting person, expected version — or None to send none)."""
Outcome = tuple[int, str, str, str]
"""(project, kind of decision, outcome, the refusal's English text or the error's)."""


def race(
    url: str,
    kind: str,
    tasks: list[Task],
    barrier: Barrier,
    results: Queue[Outcome],
) -> None:
    """For each task: wait at the barrier, then approve or request changes; report the outcome.

    Outcomes: ``won``; ``conflict`` (ConflictError); ``illegal`` (IllegalTransition); the class
    name of any other refusal; ``unhandled <class>`` for an error that is no refusal at all (the
    racer goes on, so the test names it instead of waiting for a racer that died).
    """
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
                results.put((project_id, kind, "won", ""))
            except ConflictError as err:
                results.put((project_id, kind, "conflict", err.message_en))
            except IllegalTransition as err:
                results.put((project_id, kind, "illegal", err.message_en))
            except DomainError as err:
                results.put((project_id, kind, type(err).__name__, err.message_en))
            except Exception as err:  # reported, not raised: the test must name it
                results.put((project_id, kind, f"unhandled {type(err).__name__}", repr(err)))
    finally:
        app.close()
