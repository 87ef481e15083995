"""``Idempotency-Key`` on every POST of the API, kept in the database so every API process
honours it.

A POST under ``/api/v1/`` that carries the header is first *claimed*: a row keyed by (credential,
key) holding a digest of the request (method, path, query, content type, body) and a short lease.
Then:

* the same key with the same request, once answered → the stored response, replayed
  (``Idempotent-Replayed: true``), and nothing runs again;
* the same key with a different request → 422 (``idempotency_mismatch``);
* the same key while the first request still runs → 409 (``idempotency_in_progress``);
* a 5xx, a 401, a 429 or a redirect (3xx, whose ``Location`` is not kept) is not stored: the
  claim is released so the request can be retried;
* an answer marked ``Cache-Control: no-store`` (one that shows a secret once: a new API token, a
  temporary password) is recorded as answered but its body is never kept: a replay gets 409
  (``idempotency_not_replayable``), so no secret lies in the database in plain text.

Nothing is claimed or replayed for a request whose credential no longer holds (a session that
has ended, a revoked token) or whose CSRF token is wrong: such a request goes on to the app,
which refuses it, so a replay never hands an answer to a caller who could not send the request.

Keys are scoped to the credential the app itself resolves and acts for (:func:`key_space`): the
API token's id, or the browser session — its id with a digest of its own random CSRF token, since
SQLite may give a purged session's id to a new one — never raw header bytes, so repeating an
``Authorization`` header or a session cookie cannot pass one credential's check and reach
another's keys, and nobody reads another client's stored answer. Keys are kept for :data:`KEEP`.
If a process dies between running a command and storing its answer, the lease runs out and a
retry runs the command again — which the engine then refuses (the project has moved on), so
nothing is applied twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.db.database import WRITE
from adapters.db.orm import IdempotencyKeyRow
from adapters.web.problems import PROBLEM_MEDIA_TYPE, TITLES
from domain.audit import utc_naive
from states.accounts import Principal

HEADER = b"idempotency-key"
LEASE = timedelta(seconds=60)
KEEP = timedelta(hours=24)
_TABLE = cast(Table, IdempotencyKeyRow.__table__)
_NOT_STORED = frozenset({401, 429})
NO_STORE = "no-store"
"""The ``Cache-Control`` of an answer that shows a secret once: never cached, never kept here."""
WITHHELD = "patok/withheld"
"""The media type stored for an answer whose body was not kept (it showed a secret once)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a key: ``new`` (run the request), ``replay``, ``mismatch`` or
    ``busy``; a replay carries the stored response."""

    outcome: str
    status: int = 0
    media_type: str = ""
    body: bytes = b""


class IdempotencyStore:
    """Claims, completes and releases idempotency keys in the database."""

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._now = now

    def claim(self, principal: str, key: str, fingerprint: str) -> Claim:
        """Claim ``key`` for this request (see the module's docstring for the outcomes)."""
        for _ in range(2):  # a concurrent first claim makes our insert fail once: look again
            try:
                return self._claim(principal, key, fingerprint)
            except IntegrityError:
                continue
        return Claim("busy")

    def _claim(self, principal: str, key: str, fingerprint: str) -> Claim:
        now = utc_naive(self._now())
        where = (_TABLE.c.principal == principal, _TABLE.c.key == key)
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                query = select(_TABLE).where(*where)
                if conn.dialect.name == "postgresql":
                    query = query.with_for_update()
                row = conn.execute(query).mappings().first()
                if row is not None and row["created_at"] < now - KEEP:
                    conn.execute(delete(_TABLE).where(*where))
                    row = None
                if row is None:
                    conn.execute(
                        insert(_TABLE).values(
                            principal=principal,
                            key=key,
                            fingerprint=fingerprint,
                            created_at=now,
                            locked_until=now + LEASE,
                        )
                    )
                    if int(now.timestamp()) % 50 == 0:  # now and then, forget expired keys
                        conn.execute(delete(_TABLE).where(_TABLE.c.created_at < now - KEEP))
                    return Claim("new")
                if row["fingerprint"] != fingerprint:
                    return Claim("mismatch")
                if row["status_code"] is not None:
                    return Claim(
                        "replay", row["status_code"], row["media_type"] or "", row["body"] or b""
                    )
                if row["locked_until"] is not None and row["locked_until"] > now:
                    return Claim("busy")
                conn.execute(update(_TABLE).where(*where).values(locked_until=now + LEASE))
                return Claim("new")

    def complete(
        self, principal: str, key: str, status: int, media_type: str, body: bytes
    ) -> None:
        """Store the answer to a claimed request."""
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                conn.execute(
                    update(_TABLE)
                    .where(_TABLE.c.principal == principal, _TABLE.c.key == key)
                    .values(status_code=status, media_type=media_type, body=body, locked_until=None)
                )

    def release(self, principal: str, key: str) -> None:
        """Forget a claim whose request failed in a way worth retrying."""
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                conn.execute(
                    delete(_TABLE).where(
                        _TABLE.c.principal == principal,
                        _TABLE.c.key == key,
                        _TABLE.c.status_code.is_(None),
                    )
                )


def key_space(principal: Principal) -> str:
    """Whose keys a request's key lives among: its API token (token rows are revoked, never
    deleted, so an id is never reused), or its browser session (its id, which SQLite may reuse
    once the session is purged, with a digest of the session's random CSRF token, which no other
    session has)."""
    if principal.token_id is not None:
        return f"t:{principal.token_id}"
    csrf = hashlib.sha256((principal.csrf_token or "").encode()).hexdigest()[:24]
    return f"s:{principal.session_id}:{csrf}"


def _problem(status: int, code: str, message_id: str, message_en: str, lang: str) -> bytes:
    title = TITLES[code]
    return json.dumps(
        {
            "type": f"/problems/{code}",
            "title": title[1] if lang == "en" else title[0],
            "status": status,
            "detail": message_en if lang == "en" else message_id,
            "code": code,
            "messages": {"id": message_id, "en": message_en},
            "details": {},
        }
    ).encode()


class IdempotencyMiddleware:
    """Applies :class:`IdempotencyStore` to every POST under ``prefix`` that carries an
    ``Idempotency-Key``.

    ``verify(scope)`` resolves the request's credential and checks its CSRF token; it answers the
    key space (:func:`key_space`) when both hold now, else None — only then is the key claimed or
    its answer replayed."""

    def __init__(
        self,
        app: ASGIApp,
        store: Callable[[], IdempotencyStore | None],
        verify: Callable[[Scope], Awaitable[str | None]],
        prefix: str,
    ) -> None:
        self.app = app
        self._store = store
        self._verify = verify
        self._prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Claim the key, replay or refuse, or run the request and store its answer."""
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(self._prefix)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw_key = headers.get(HEADER)
        store = self._store()
        if raw_key is None or store is None:
            await self.app(scope, receive, send)
            return
        lang = "en" if headers.get(b"accept-language", b"").lower().startswith(b"en") else "id"
        key = raw_key.decode("latin-1").strip()
        if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
            await _send(send, 422, _problem(
                422, "invalid_input",
                "Idempotency-Key harus 1–200 karakter ASCII yang dapat dicetak",
                "Idempotency-Key must be 1–200 printable ASCII characters", lang,
            ), PROBLEM_MEDIA_TYPE)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
        digest = hashlib.sha256()
        for part in (
            scope["method"].encode(),
            scope["path"].encode(),
            scope.get("query_string", b""),
            headers.get(b"content-type", b""),
            bytes(body),
        ):
            digest.update(len(part).to_bytes(8, "big") + part)
        principal = await self._verify(scope)
        if principal is None:
            await self.app(scope, body_receive(bytes(body)), send)
            return
        claim = await run_in_threadpool(store.claim, principal, key, digest.hexdigest())
        if claim.outcome == "replay" and claim.media_type == WITHHELD:
            await _send(send, 409, _problem(
                409, "idempotency_not_replayable",
                "Permintaan dengan Idempotency-Key ini sudah dijalankan; jawabannya memuat rahasia "
                "yang hanya ditampilkan sekali dan tidak disimpan",
                "The request with this Idempotency-Key was already carried out; its answer held a "
                "secret shown only once, which is not kept",
                lang,
            ), PROBLEM_MEDIA_TYPE)
            return
        if claim.outcome == "replay":
            await _send(
                send, claim.status, claim.body, claim.media_type, [(b"idempotent-replayed", b"true")]
            )
            return
        if claim.outcome == "mismatch":
            await _send(send, 422, _problem(
                422, "idempotency_mismatch",
                "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi lain",
                "This Idempotency-Key was already used for a request with a different body", lang,
            ), PROBLEM_MEDIA_TYPE)
            return
        if claim.outcome == "busy":
            await _send(send, 409, _problem(
                409, "idempotency_in_progress",
                "Permintaan dengan Idempotency-Key ini masih diproses; coba lagi sebentar",
                "A request with this Idempotency-Key is still being processed; retry shortly",
                lang,
            ), PROBLEM_MEDIA_TYPE, [(b"retry-after", b"2")])
            return
        await self._run(scope, bytes(body), send, store, principal, key)

    async def _run(
        self,
        scope: Scope,
        body: bytes,
        send: Send,
        store: IdempotencyStore,
        principal: str,
        key: str,
    ) -> None:
        status = 0
        media_type = ""
        withheld = False
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, media_type, withheld
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        media_type = value.decode("latin-1")
                    elif name.lower() == b"cache-control" and NO_STORE.encode() in value.lower():
                        withheld = True
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, body_receive(body), capture)
        except BaseException:
            await run_in_threadpool(store.release, principal, key)
            raise
        if status >= 500 or status in _NOT_STORED or 300 <= status < 400 or status == 0:
            await run_in_threadpool(store.release, principal, key)
        elif withheld:
            await run_in_threadpool(store.complete, principal, key, status, WITHHELD, b"")
        else:
            await run_in_threadpool(
                store.complete, principal, key, status, media_type, b"".join(chunks)
            )


def body_receive(body: bytes) -> Receive:
    """A ``receive`` that hands on a body already read, then a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _send(
    send: Send,
    status: int,
    body: bytes,
    media_type: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", media_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
