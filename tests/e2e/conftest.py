"""End-to-end fixtures: the web app served by a real uvicorn process on a loopback port, and
headless Chromium (Debian's ``/usr/bin/chromium``) driven by Playwright.

Screenshots are kept as test artifacts under ``test-artifacts/e2e/`` (git-ignored); the summary
at the end of the run prints where.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.web.world import World, build_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@dataclass
class Served:
    """The world, and the URL of the uvicorn process serving it."""

    world: World
    url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A world on an SQLite file, served by ``uvicorn --factory adapters.web.asgi:…``."""
    folder = tmp_path_factory.mktemp("e2e")
    url_db = f"sqlite:///{folder / 'patok.db'}"
    world = build_world(url_db, folder)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PATOK_", "PREFECT_"))}
    env.update(
        PATOK_DATABASE_URL=url_db,
        PATOK_DATA_DIR=str(folder),
        PATOK_SECRET_KEY="kunci-rahasia-uji",
        PATOK_ARGON2_TIME_COST="1",
        PATOK_ARGON2_MEMORY_KIB="1024",
        PATOK_PREFECT_UI_URL="http://127.0.0.1:4200",
    )
    log = (folder / "web.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "adapters.web.asgi:app_from_environment",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _up(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not come up: {(folder / 'web.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield Served(world, url)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        world.app.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Headless Chromium, launched once per module."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the screenshots are."""
    shots = sorted(ARTIFACTS.glob("*.png")) if ARTIFACTS.exists() else []
    if shots:
        terminalreporter.write_line(f"e2e screenshots ({len(shots)}): {ARTIFACTS}")
