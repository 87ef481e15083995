"""``patok serve``: patok as a running service.

Starts the web app and JSON API (uvicorn, a process of its own) and a local Prefect server (its
SQLite database under ``<data dir>/prefect``) unless ``PREFECT_API_URL`` already points to one —
in Prefect's ephemeral mode scheduled runs never fire, so the server must be real — waits until
both answer, prints their URLs (and the demo logins, when the demo cohort is loaded), then
registers and serves the deployments (sweep every 5 minutes, dispatch and events every minute,
the daily digest) until Ctrl-C or SIGTERM, and stops every process it started.

When no ``PATOK_SMTP_*`` variable is set at all it also starts a local mail sink
(:mod:`adapters.notify.mail_sink`) and sends e-mail there: every message lands as a file under
``<data dir>/mail`` instead of ending as a dead letter for want of a server. Any ``PATOK_SMTP_*``
setting (even only ``PATOK_SMTP_PORT=25``) means a real server is meant, and no sink starts.
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

from adapters.notify.mail_sink import MailSink
from adapters.notify.settings import NotifySettings
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


def start_web(
    settings: Settings, host: str, port: int, prefect_ui: str | None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the web app (uvicorn) on ``host:port``; wait until it is healthy; return the
    process and its URL. Its log goes to ``<data dir>/web.log``."""
    env = dict(os.environ)
    if prefect_ui:
        env["PATOK_PREFECT_UI_URL"] = prefect_ui
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_path = (settings.data_dir / "web.log").resolve()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "adapters.web.asgi:app_from_environment",
                "--host",
                host,
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web app exited with {process.returncode}; see {log_path}")
        if _healthy_web(url):
            return process, url
        time.sleep(0.3)
    stop_process(process)
    raise RuntimeError(f"the web app did not answer within {STARTUP_TIMEOUT_S:.0f} s; see {log_path}")


def _healthy_web(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def demo_logins_text(settings: Settings) -> str:
    """The demo cohort's logins, if it is loaded and its password still works; else ''."""
    from adapters.bootstrap import bootstrap
    from adapters.cli.demo import demo_logins
    from adapters.demo_data import DEMO_COHORT_CODE, DEMO_PASSWORD, seed001_roster

    app = bootstrap(settings)
    try:
        with app.engine.unit_of_work() as uow:
            if not any(c.code == DEMO_COHORT_CODE for c in uow.cohorts.all()):
                return ""
            coordinator = uow.people.find(seed001_roster().coordinators[0].email)
        if coordinator is None or coordinator.id is None:
            return ""
        if not app.accounts.verify_password(coordinator.id, DEMO_PASSWORD):
            return ""
        mentor, participant = demo_logins(app)
    finally:
        app.close()
    return (
        f"  demo logins:  coordinator {coordinator.email}, mentor {mentor}, "
        f"participant {participant}\n"
        f"                password {DEMO_PASSWORD}\n"
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


def public_url_for(settings: Settings, host: str, port: int) -> str:
    """Where the links in messages point: ``PATOK_PUBLIC_URL`` when it is set, else the web
    app this service starts (loopback when it listens on every address)."""
    if "public_url" in settings.model_fields_set:
        return settings.public_url
    link_host = "127.0.0.1" if host in ("", "0.0.0.0") else "::1" if host == "::" else host
    if ":" in link_host:
        link_host = f"[{link_host}]"
    return f"http://{link_host}:{port}"


def serve(settings: Settings, port: int, web_host: str | None = None, web_port: int | None = None) -> None:
    """Run the service until Ctrl-C or SIGTERM. Unless ``PATOK_PUBLIC_URL`` says otherwise, the
    links in messages (sent by the web app and the flows alike) point at the web app started
    here, on whatever host and port it was given."""
    server: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    sink: MailSink | None = None
    api_url = os.environ.get("PREFECT_API_URL")

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        ui = (api_url or f"http://127.0.0.1:{port}/api").removesuffix("/api")
        host = web_host or settings.web_host
        web_port = web_port or settings.web_port
        public_url = public_url_for(settings, host, web_port)
        os.environ["PATOK_PUBLIC_URL"] = public_url  # for the web process and the flow runs
        smtp = NotifySettings()
        mail = f"SMTP {smtp.smtp_host}:{smtp.smtp_port}"
        if not any(name.upper().startswith("PATOK_SMTP_") for name in os.environ):
            sink = MailSink(settings.data_dir.resolve() / "mail")
            sink.start()
            os.environ["PATOK_SMTP_HOST"] = sink.host
            os.environ["PATOK_SMTP_PORT"] = str(sink.port)
            mail = f"{sink.directory}  (a local sink; set PATOK_SMTP_HOST for a real server)"
        typer.echo(f"Menyalakan web / starting the web app on {host}:{web_port} …")
        web, web_url = start_web(settings, host, web_port, ui)
        if not api_url:
            typer.echo(f"Menyalakan server Prefect / starting a Prefect server on port {port} …")
            server, api_url = start_prefect_server(settings.data_dir, port)
        os.environ["PREFECT_API_URL"] = api_url
        typer.echo(
            f"patok berjalan / patok is running\n"
            f"  web:          {web_url}/  (board, inbox, projects; Bahasa Indonesia / English)\n"
            f"  JSON API:     {web_url}/api/v1  (OpenAPI: {web_url}/api/v1/docs)\n"
            f"  links:        {public_url}  (in messages; PATOK_PUBLIC_URL)\n"
            f"  e-mail:       {mail}\n"
            f"  Prefect UI:   {ui}  (flow runs, deployments, events)\n"
            f"  Prefect API:  {api_url}\n"
            f"  database:     {make_url(settings.resolved_database_url()).render_as_string(hide_password=True)}\n"
            f"  flows:        patok-sweep (5 min), patok-dispatch (1 min), patok-events (1 min), "
            f"patok-digest-wib/-wita/-wit (07:00 local)\n"
            f"{demo_logins_text(settings)}"
            f"Ctrl-C untuk berhenti / to stop."
        )
        from flows.serve import serve_all

        serve_all()
    except KeyboardInterrupt:
        typer.echo("Berhenti / stopping …")
    finally:
        if web is not None:
            stop_process(web)
        if server is not None:
            stop_process(server)
        if sink is not None:
            sink.stop()
        typer.echo("patok berhenti / patok stopped.")
