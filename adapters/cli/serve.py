"""``patok serve``: patok as a running service.

Starts a local Prefect server (its SQLite database under ``<data dir>/prefect``) unless
``PREFECT_API_URL`` already points to one — in Prefect's ephemeral mode scheduled runs never fire,
so the server must be real — waits until it answers, then registers and serves the deployments
(sweep every 5 minutes, dispatch and events every minute, the daily digest) until Ctrl-C or
SIGTERM, and stops the server it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

import typer
from sqlalchemy.engine import make_url

from adapters.settings import Settings

STARTUP_TIMEOUT_S = 120.0


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_prefect_server(data_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``prefect server start`` on loopback with its home under ``data_dir``; wait until
    it is healthy and return the process and its API URL."""
    home = (data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(port),
        PREFECT_UI_API_URL=f"http://127.0.0.1:{port}/api",
    )
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).parent / "prefect"
    with (home / "server.log").open("ab") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"prefect server exited with {process.returncode}; see {home / 'server.log'}"
            )
        if _healthy(api_url):
            return process, api_url
        time.sleep(0.5)
    stop_process(process)
    raise RuntimeError(
        f"prefect server did not answer within {STARTUP_TIMEOUT_S:.0f} s; see {home / 'server.log'}"
    )


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Stop a process group started by us: SIGTERM, then SIGKILL after ``timeout``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


def serve(settings: Settings, port: int) -> None:
    """Run the service until Ctrl-C or SIGTERM."""
    server: subprocess.Popen[bytes] | None = None
    api_url = os.environ.get("PREFECT_API_URL")

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        if not api_url:
            typer.echo(f"Menyalakan server Prefect / starting a Prefect server on port {port} …")
            server, api_url = start_prefect_server(settings.data_dir, port)
        os.environ["PREFECT_API_URL"] = api_url
        ui = api_url.removesuffix("/api")
        typer.echo(
            f"patok berjalan / patok is running\n"
            f"  Prefect UI:   {ui}  (flow runs, deployments, events)\n"
            f"  Prefect API:  {api_url}\n"
            f"  database:     {make_url(settings.resolved_database_url()).render_as_string(hide_password=True)}\n"
            f"  flows:        patok-sweep (5 min), patok-dispatch (1 min), patok-events (1 min), "
            f"patok-digest-wib/-wita/-wit (07:00 local)\n"
            f"  web/API:      not part of this version (issue 5)\n"
            f"Ctrl-C untuk berhenti / to stop."
        )
        from flows.serve import serve_all

        serve_all()
    except KeyboardInterrupt:
        typer.echo("Berhenti / stopping …")
    finally:
        if server is not None:
            stop_process(server)
        typer.echo("patok berhenti / patok stopped.")
