"""`patok serve` against a real Prefect server: deployments registered with their schedules, a
sweep run completes and publishes its artifact, a dispatch run delivers the demo's e-mail to the
local mail sink (no SMTP server is configured), the web app answers (the demo's printed login
works), and SIGTERM stops everything."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import httpx
import pytest

PATOK = str(Path(sys.executable).parent / "patok")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api(url: str, body: dict[str, Any] | None = None) -> Any:
    """Call the Prefect API; like Prefect's own client, retry a 503 (the server's SQLite busy)."""
    data = None if body is None else json.dumps(body).encode()
    for attempt in range(10):
        request = urllib.request.Request(
            url,
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code != 503 or attempt == 9:
                raise
            time.sleep(1 + attempt)
    return None


def _wait(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}")


def _run_to_end(api: str, deployments: list[Any], name: str, key: str) -> Any:
    """Start a run of deployment ``name`` (``key`` makes a retried POST create one run) and
    return it once it has ended."""
    deployment = next(d for d in deployments if d["name"] == name)
    run = _api(f"{api}/deployments/{deployment['id']}/create_flow_run", {"idempotency_key": key})
    return _wait(
        f"the {name} run to finish",
        lambda: (
            (r := _api(f"{api}/flow_runs/{run['id']}"))["state_type"]
            in ("COMPLETED", "FAILED", "CRASHED")
            and r
        ),
        120,
    )


@pytest.mark.slow
def test_serve_registers_the_scheduled_flows_runs_a_sweep_serves_the_web_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    port = _free_port()
    web_port = _free_port()
    web = f"http://127.0.0.1:{web_port}"
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PATOK_", "PREFECT_"))}
    env["PATOK_DATA_DIR"] = str(tmp_path / "data")
    demo = subprocess.run(
        [PATOK, "demo", "--no-board"], env=env, check=True, capture_output=True, text=True
    )
    found = re.search(r"Mentor \(contoh/example\): (\S+)", demo.stdout)
    assert found is not None, demo.stdout
    mentor = found.group(1)
    service = subprocess.Popen(
        [PATOK, "serve", "--port", str(port), "--web-port", str(web_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        health = _wait("the web app", lambda: _api(f"{web}/healthz"), 120)
        assert health == {"status": "ok"}
        with httpx.Client(base_url=web, timeout=10) as browser:
            page = browser.get("/login")
            token = re.search(r'name="form_token" value="([^"]+)"', page.text)
            assert token is not None and "Masuk ke patok" in page.text
            signed_in = browser.post(
                "/login",
                data={"login": mentor, "password": "patok-demo-2018", "form_token": token.group(1)},
            )
            assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
            assert "Kotak masuk" in browser.get("/inbox").text
        deployments = _wait(
            "the six deployments",
            lambda: (found := _api(f"{api}/deployments/filter", {})) and len(found) == 6 and found,
            180,
        )
        schedules = {
            d["name"]: [
                s["schedule"].get("interval") or s["schedule"].get("cron") for s in d["schedules"]
            ]
            for d in deployments
        }
        assert schedules == {
            "patok-sweep": [300.0],
            "patok-dispatch": [60.0],
            "patok-events": [60.0],
            "patok-digest-wib": ["0 7 * * *"],
            "patok-digest-wita": ["0 7 * * *"],
            "patok-digest-wit": ["0 7 * * *"],
        }
        final = _run_to_end(api, deployments, "patok-sweep", f"test-{port}")
        assert final["state_type"] == "COMPLETED"
        artifacts = _api(
            f"{api}/artifacts/filter", {"artifacts": {"key": {"any_": ["patok-sweep"]}}}
        )
        assert artifacts and artifacts[0]["type"] == "table"
        done = _run_to_end(api, deployments, "patok-dispatch", f"test-dispatch-{port}")
        assert done["state_type"] == "COMPLETED"
        mails = list((tmp_path / "data" / "mail").glob("*.eml"))  # no SMTP server was set
        assert mails and b"X-Patok-Envelope-To: " in mails[0].read_bytes()
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            out, _ = service.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
            raise
    assert service.returncode == 0, out.decode()[-2000:]
    assert b"patok is running" in out and b"patok stopped" in out
    assert f"web:          {web}/".encode() in out
    assert f"links:        {web}  (in messages".encode() in out  # not the default port 8000
    assert f"e-mail:       {tmp_path / 'data' / 'mail'}  (a local sink".encode() in out
    assert b"demo logins:" in out and b"password patok-demo-2018" in out
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{api}/health", timeout=2)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{web}/healthz", timeout=2)
    assert (tmp_path / "data" / "prefect" / "prefect.db").exists()
