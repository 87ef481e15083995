"""The web process's start-up: the heap it imported is frozen once, so the collector's full
collections stop walking it (the stall that made the API's p99 in docs/performance.md)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from adapters.bootstrap import bootstrap
from adapters.settings import Settings
from adapters.web.app import create_app
from tests.fakes import FakeUnitOfWorkFactory


def _app() -> TestClient:
    patok = bootstrap(Settings(secret_key="startup"), uow_factory=FakeUnitOfWorkFactory())
    return TestClient(create_app(patok))


def test_the_web_app_freezes_its_start_up_heap_once_per_process() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with _app() as first:
        assert first.get("/healthz").status_code == 200
        frozen = gc.get_freeze_count()
    assert frozen > 10_000  # the imported libraries' objects, not a handful
    with _app():
        assert gc.get_freeze_count() <= frozen  # a second app freezes nothing more (some die)
