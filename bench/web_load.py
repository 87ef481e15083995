"""Benchmark: the JSON API's submit and approve endpoints under load, and the board page.

One run:

1. seeds an SQLite file (WAL, synchronous=NORMAL, as in production) with ``--cohorts`` cohorts of
   the seed-001 roster (40 projects each, programme PIM III) and signs every participant and
   mentor in (browser sessions: a cookie and its CSRF token, as the pages use);
2. starts the web app in its own process: ``uvicorn --factory adapters.web.asgi:app_from_environment``
   (one worker) on a loopback port;
3. starts a *separate load process* (this file with ``--load``) that drives submit and approve
   **open-loop** at ``--rate`` requests per second for ``--seconds``: every 1/rate seconds the next
   ready action is sent, whether or not earlier ones have answered (a project's approve is ready
   once its submit has answered, its next submit once the approve has); then a closed-loop phase
   with ``--workers`` clients sending back to back, for the saturation throughput. Projects are
   driven through the stages that need no recorded content (diagnosis, taking ownership and
   benchmarking in PIM III: lesson synthesis needs lessons first); every refused request counts
   as an error in the figures;
4. times the board page (HTML) and the board JSON of the 40-participant demo cohort.

Latencies are measured by the load process, from sending a request to reading its whole answer.

    .venv/bin/python bench/web_load.py                      # 100 req/s for 30 s, 40 cohorts
    .venv/bin/python bench/web_load.py --rate 200 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from adapters.bootstrap import Patok, bootstrap
from adapters.cli.demo import load_demo
from adapters.demo_data import DEMO_COHORT_CODE, DEMO_PASSWORD, seed001_roster
from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from adapters.web.auth import SESSION_COOKIE, WebAuth
from domain.commands import CreateCohort, ImportRoster
from domain.model import Person
from domain.programme import STAGE_CODES

PDF = b"%PDF-1.4\n% benchmark report\n%%EOF\n"
PASSWORD = DEMO_PASSWORD
SECRET_KEY = "bench-secret-key"
ORGANISER = "bench.organiser@bpsdm.go.id"


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- seeding --------------------------------------------------------------------------------------


def seed(app: Patok, cohorts: int) -> dict[str, Any]:
    """The demo cohort, cohorts of the seed-001 roster, and a session for everyone who acts."""
    with contextlib.redirect_stdout(io.StringIO()):  # the demo prints its logins
        load_demo(app, "en", show_board=False)  # the 40-participant demo cohort, five weeks played
    app.accounts.add_person(
        Person(
            nip="198001012005011001",
            name="Koordinator Bench",
            email=ORGANISER,
            agency="BPSDM",
            can_create_cohorts=True,
        ),
        PASSWORD,
    )
    organiser = app.engine.resolve_actor(ORGANISER).id
    assert organiser is not None
    roster = seed001_roster()
    for n in range(1, cohorts + 1):
        code = f"BENCH-{n}"
        app.cohorts.create(
            CreateCohort(
                actor_id=organiser,
                code=code,
                name=f"Angkatan bench {n}",
                programme_code="PIM3",
                organiser="BPSDM Provinsi Maluku",
                timezone="Asia/Jayapura",
                start_date=date.today(),
            )
        )
        app.cohorts.import_roster(ImportRoster(actor_id=organiser, cohort_code=code, roster=roster))
    people = sorted({app.engine.resolve_actor(p.email).id or 0 for _, p in roster.people()})
    app.accounts.give_demo_password(people, PASSWORD)
    auth = WebAuth(app, SECRET_KEY)
    sessions: dict[int, dict[str, str]] = {}
    for person_id in [*people, organiser]:
        with app.engine.unit_of_work() as uow:
            email = uow.people.get(person_id).email
        secret, principal = app.accounts.login(email, PASSWORD)
        sessions[person_id] = {
            "cookie": auth.session_cookie(secret),
            "csrf": principal.csrf_token or "",
        }
    projects: list[dict[str, Any]] = []
    with app.engine.unit_of_work() as uow:
        for cohort in uow.cohorts.all():
            if not cohort.code.startswith("BENCH-"):
                continue
            assert cohort.id is not None
            for p in uow.projects.of_cohort(cohort.id):
                projects.append(
                    {"id": p.id, "participant": p.participant_id, "mentor": p.mentor_id}
                )
        programme = app.engine.programme(uow, uow.cohorts.by_code("BENCH-1").programme_checksum)
    required = {s: list(programme.stage(s).required_artifacts) for s in STAGE_CODES}
    driven = 0  # the stages driven: those before the first that needs recorded content
    while driven < len(STAGE_CODES) and programme.stage(STAGE_CODES[driven]).requires.is_empty():
        driven += 1
    return {
        "projects": projects,
        "stages": driven,
        "sessions": {str(k): v for k, v in sessions.items()},
        "required": required,
        "organiser": organiser,
    }


# -- the load process -------------------------------------------------------------------------------


def _body(kinds: list[str]) -> dict[str, Any]:
    return {
        "note": "bench",
        "artifacts": [
            {
                "kind": k,
                "filename": f"{k}.pdf",
                "media_type": "application/pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
            for k in kinds
        ],
    }


class Driver:
    """Which action each project needs next, and sending it."""

    def __init__(self, plan: dict[str, Any], url: str) -> None:
        import httpx

        self.plan = plan
        self.sessions = plan["sessions"]
        self.ready: list[tuple[str, dict[str, Any], int]] = [
            ("submit", p, 0) for p in plan["projects"]
        ]
        self.results: list[tuple[str, float, int, float]] = []
        self.client = httpx.AsyncClient(
            base_url=url,
            timeout=30,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=200),
        )

    async def send(self, kind: str, project: dict[str, Any], stage: int) -> None:
        """Send one action; when it answers, make the project's next action ready."""
        person = project["participant"] if kind == "submit" else project["mentor"]
        session = self.sessions[str(person)]
        headers = {
            "Cookie": f"{SESSION_COOKIE}={session['cookie']}",
            "X-CSRF-Token": session["csrf"],
        }
        if kind == "submit":
            body = _body(self.plan["required"][STAGE_CODES[stage]])
            path = f"/api/v1/projects/{project['id']}/submit"
        else:
            body = {"comment": "ok"}
            path = f"/api/v1/projects/{project['id']}/approve"
        started = time.perf_counter()
        try:
            answer = await self.client.post(path, json=body, headers=headers)
            status = answer.status_code
        except Exception:  # a timeout or a refused connection counts as a failure
            status = 0
        took = time.perf_counter() - started
        self.results.append((kind, took, status, time.monotonic()))
        if status == 200:
            if kind == "submit":
                self.ready.append(("approve", project, stage))
            elif stage + 1 < self.plan["stages"]:
                self.ready.append(("submit", project, stage + 1))

    async def open_loop(self, rate: float, seconds: float) -> dict[str, Any]:
        """Send the next ready action every 1/rate seconds for ``seconds``."""
        self.results = []
        tasks: list[asyncio.Task[None]] = []
        start = time.monotonic()
        skipped = 0
        n = 0
        while True:
            due = start + n / rate
            if due - start >= seconds:
                break
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            n += 1
            if not self.ready:
                skipped += 1
                continue
            kind, project, stage = self.ready.pop(0)
            tasks.append(asyncio.create_task(self.send(kind, project, stage)))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
        return self.summary(elapsed) | {"offered_rate": rate, "not_ready": skipped}

    async def closed_loop(self, workers: int, seconds: float) -> dict[str, Any]:
        """``workers`` clients, each sending its next action as soon as the last one answered."""
        self.results = []
        stop = time.monotonic() + seconds
        start = time.monotonic()

        async def worker() -> None:
            while time.monotonic() < stop:
                if not self.ready:
                    await asyncio.sleep(0.001)
                    continue
                kind, project, stage = self.ready.pop(0)
                await self.send(kind, project, stage)

        await asyncio.gather(*(worker() for _ in range(workers)))
        return self.summary(time.monotonic() - start) | {"workers": workers}

    def summary(self, elapsed: float) -> dict[str, Any]:
        """Throughput and latency percentiles (ms), per action and together."""
        out: dict[str, Any] = {"seconds": round(elapsed, 2)}
        for kind in ("submit", "approve", "all"):
            rows = [r for r in self.results if kind in ("all", r[0])]
            ok = [r[1] * 1000 for r in rows if r[2] == 200]
            out[kind] = {
                "requests": len(rows),
                "ok": len(ok),
                "errors": len(rows) - len(ok),
                "throughput": round(len(ok) / elapsed, 1),
                "p50_ms": round(percentile(ok, 50), 1),
                "p90_ms": round(percentile(ok, 90), 1),
                "p99_ms": round(percentile(ok, 99), 1),
                "max_ms": round(max(ok, default=float("nan")), 1),
            }
        return out


async def _load(plan_path: Path, url: str, rate: float, seconds: float, workers: int) -> None:
    plan = json.loads(plan_path.read_text())
    driver = Driver(plan, url)
    warm = plan["projects"][:5]
    driver.ready = [("submit", p, 0) for p in warm]
    for _ in range(4):  # warm the connection pool and the server's caches
        while driver.ready:
            await driver.send(*driver.ready.pop(0))
    driver.ready = [("submit", p, 0) for p in plan["projects"][5:]]
    open_loop = await driver.open_loop(rate, seconds)
    closed = await driver.closed_loop(workers, min(seconds, 15))
    await driver.client.aclose()
    sys.stdout.write(json.dumps({"open_loop": open_loop, "closed_loop": closed}) + "\n")


# -- the board -------------------------------------------------------------------------------------


def time_board(url: str, session: dict[str, str], rounds: int) -> dict[str, Any]:
    """Client-side time of the board page and the board JSON, demo cohort (40 participants)."""
    import httpx

    headers = {"Cookie": f"{SESSION_COOKIE}={session['cookie']}"}
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for name, path in (
            ("board_page", f"/cohorts/{DEMO_COHORT_CODE}"),
            ("board_json", f"/api/v1/cohorts/{DEMO_COHORT_CODE}/board?limit=500"),
            ("project_page", "/projects/1"),
        ):
            client.get(path)
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.text[:300]
            out[name] = {
                "rounds": rounds,
                "p50_ms": round(percentile(times, 50), 1),
                "p99_ms": round(percentile(times, 99), 1),
                "max_ms": round(max(times), 1),
                "bytes": len(answer.content),
            }
    return out


# -- the run ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, serve, load from another process, time the board; return every figure."""
    folder = Path(tempfile.mkdtemp(prefix="patok-bench-web-"))
    db = f"sqlite:///{folder / 'patok.db'}"
    settings = Settings(database_url=db, data_dir=folder, secret_key=SECRET_KEY)
    app = bootstrap(settings)
    hasher = Argon2Hasher(1, 1024)  # seeding only: every login below verifies cheaply
    object.__setattr__(app.accounts, "_hasher", hasher)
    began = time.monotonic()
    plan = seed(app, args.cohorts)
    demo_session = plan["sessions"][str(_demo_coordinator(app))]
    app.close()
    seeded = time.monotonic() - began
    plan_path = folder / "plan.json"
    plan_path.write_text(json.dumps(plan))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATOK_")}
    env.update(PATOK_DATABASE_URL=db, PATOK_DATA_DIR=str(folder), PATOK_SECRET_KEY=SECRET_KEY)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "adapters.web.asgi:app_from_environment",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "web.log").open("wb"),
        start_new_session=True,
    )
    try:
        _wait_up(url)
        load = subprocess.run(
            [sys.executable, __file__, "--load", str(plan_path), "--url", url,
             "--rate", str(args.rate), "--seconds", str(args.seconds), "--workers", str(args.workers)],
            capture_output=True, text=True, check=True, env={**env, "PYTHONPATH": os.getcwd()},
        )
        figures: dict[str, Any] = json.loads(load.stdout.strip().splitlines()[-1])
        figures["board"] = time_board(url, demo_session, args.board_rounds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    figures["setup"] = {
        "cohorts": args.cohorts,
        "projects": len(plan["projects"]),
        "seeded_s": round(seeded, 1),
        "when": datetime.now(UTC).strftime("%Y-%m-%d"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    return figures


def _demo_coordinator(app: Patok) -> int:
    found = app.engine.resolve_actor(seed001_roster().coordinators[0].email).id
    assert found is not None
    return found


def _wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the web app did not come up")


def report(figures: dict[str, Any]) -> str:
    """The figures as Markdown rows."""
    lines = []
    for phase in ("open_loop", "closed_loop"):
        f = figures[phase]
        label = (
            f"open loop, {f['offered_rate']:.0f} req/s offered"
            if phase == "open_loop"
            else f"closed loop, {f['workers']} clients"
        )
        for kind in ("submit", "approve", "all"):
            k = f[kind]
            lines.append(
                f"| {label} | {kind} | {k['ok']} / {k['requests']} | {k['throughput']}/s | "
                f"{k['p50_ms']} | {k['p90_ms']} | {k['p99_ms']} | {k['max_ms']} |"
            )
    for name, b in figures["board"].items():
        lines.append(f"| {name} | GET × {b['rounds']} | {b['bytes']} B | | {b['p50_ms']} | | {b['p99_ms']} | {b['max_ms']} |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark (or, with ``--load``, be its load process)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cohorts", type=int, default=40, help="seed-001 cohorts of 40 (default 40)")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop requests/s (default 100)")
    parser.add_argument("--seconds", type=float, default=30.0, help="open-loop duration (default 30)")
    parser.add_argument("--workers", type=int, default=8, help="closed-loop clients (default 8)")
    parser.add_argument("--board-rounds", type=int, default=50)
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        asyncio.run(_load(args.load, args.url, args.rate, args.seconds, args.workers))
        return
    figures = run(args)
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "web_load.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures["setup"]))
    print(report(figures))


if __name__ == "__main__":
    main()
