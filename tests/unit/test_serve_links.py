"""Where ``patok serve`` points the links in messages: the web app it starts, unless
``PATOK_PUBLIC_URL`` names the address people reach it by."""

from __future__ import annotations

import pytest

from adapters.cli.serve import public_url_for
from adapters.settings import Settings


@pytest.fixture(autouse=True)
def _no_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATOK_PUBLIC_URL", raising=False)


def test_links_follow_the_web_apps_host_and_port_when_no_public_url_is_set() -> None:
    assert public_url_for(Settings(), "127.0.0.1", 8100) == "http://127.0.0.1:8100"
    assert public_url_for(Settings(), "patok.bpsdm.go.id", 80) == "http://patok.bpsdm.go.id:80"


def test_a_web_app_on_every_address_is_linked_on_loopback() -> None:
    assert public_url_for(Settings(), "0.0.0.0", 8100) == "http://127.0.0.1:8100"
    assert public_url_for(Settings(), "::", 8100) == "http://[::1]:8100"


def test_a_public_url_from_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATOK_PUBLIC_URL", "https://patok.bpsdm.go.id")
    assert public_url_for(Settings(), "0.0.0.0", 8100) == "https://patok.bpsdm.go.id"
