"""A local SMTP server that keeps what it receives as files: where ``patok serve`` sends e-mail
when no SMTP server is configured, so a newcomer can read every message patok sent.

Each accepted message is written as ``<data dir>/mail/<UTC time>-<n>.eml`` (written aside, then
renamed, so a reader never sees half a file), with ``X-Patok-Envelope-To`` naming the envelope's
recipients. It answers 250 only once the file is on disk: a message is never reported sent and
lost.
"""

from __future__ import annotations

import itertools
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from aiosmtpd.controller import Controller

log = structlog.get_logger("patok.mail_sink")


class _Keep:
    """The aiosmtpd handler: one ``.eml`` file per message."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._count = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Write the message to its file; 250 once it is there."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = self._directory / f"{stamp}-{next(self._count)}.eml"
        aside = path.with_suffix(".part")
        header = f"X-Patok-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        content = envelope.original_content or envelope.content
        with aside.open("wb") as out:
            out.write(header + (content if isinstance(content, bytes) else content.encode()))
            out.flush()
            os.fsync(out.fileno())
        aside.rename(path)
        log.info("mail_sink.kept", path=str(path), recipients=len(envelope.rcpt_tos))
        return "250 OK"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class MailSink:
    """An SMTP server on loopback keeping messages under ``directory`` (``start`` / ``stop``)."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.host = "127.0.0.1"
        self.port = port or free_port(self.host)
        self._controller = Controller(_Keep(directory), hostname=self.host, port=self.port)

    def start(self) -> None:
        """Listen (in a thread of its own) once the directory exists."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()
