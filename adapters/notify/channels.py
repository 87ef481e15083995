"""Delivery channels: SMTP e-mail, HMAC-signed webhooks and (when installed) Apprise.

A channel sends one :class:`OutgoingMessage` or raises :class:`DeliveryError`, saying whether a
later attempt may succeed (``retryable``) or not. Every message carries an identity derived only
from its outbox row — the e-mail ``Message-ID`` and the webhook ``Idempotency-Key`` — so that when
the dispatcher sends a row a second time (after a crash between sending and recording) the
receiver can recognise the duplicate. SMTP leaves no such window: it is a
:class:`CommittingChannel`, and the dispatcher records the row before the server's accepting step.
"""

from __future__ import annotations

import email.policy
import hashlib
import hmac
import http.client
import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from importlib.util import find_spec
from typing import Any, Protocol, runtime_checkable

from states.notices import APPRISE_PREFIX, apprise_address

__all__ = [
    "AppriseChannel",
    "Channel",
    "DeliveryError",
    "OutgoingMessage",
    "SmtpChannel",
    "WebhookChannel",
    "apprise_available",
    "message_id",
    "sign",
]


class DeliveryError(Exception):
    """A message could not be delivered; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable

    def __str__(self) -> str:
        kind = "retryable" if self.retryable else "permanent"
        return f"{kind}: {self.args[0]}"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One outbox row, as a channel needs it."""

    id: int
    channel: str
    address: str
    subject: str
    body: str
    dedupe_key: str
    payload: str = "{}"
    lang: str = "id"
    kind: str = ""
    created_at: datetime | None = None
    attempts: int = 0
    cohort_id: int | None = None


class Channel(Protocol):
    """Sends messages of one outbox channel."""

    def send(self, message: OutgoingMessage) -> None:
        """Deliver ``message`` or raise :class:`DeliveryError`."""
        ...


@runtime_checkable
class CommittingChannel(Protocol):
    """A channel whose protocol has a last step the receiver accepts the message on, so the
    sender can record the message as sent just before taking it (SMTP: the final ``.`` of DATA).

    A crash then can no longer leave a message accepted but unrecorded (which a retry would send
    twice); what it can leave is the few microseconds between the record and that last step."""

    def send_committing(self, message: OutgoingMessage, record: Callable[[], None]) -> None:
        """Deliver ``message``, calling ``record`` right before the receiver's accepting step (it
        is not called when an earlier step fails); raise :class:`DeliveryError` on failure."""
        ...


def message_id(message: OutgoingMessage) -> str:
    """The deterministic ``Message-ID`` of an outbox row: the same on every (re-)send."""
    digest = hashlib.sha256(message.dedupe_key.encode("utf-8")).hexdigest()[:16]
    return f"<outbox-{message.id}.{digest}@patok>"


def sign(secret: str, body: bytes) -> str:
    """The ``X-Patok-Signature`` header value of a webhook body: ``sha256=<hex HMAC-SHA256>``."""
    mac = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def _short(text: object, limit: int = 300) -> str:
    out = str(text).replace("\r", " ").replace("\n", " ")
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _smtp_reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {_short(text)}"


class SmtpChannel:
    """E-mail through an SMTP server (one connection per message, optional STARTTLS and login).

    SMTP replies 4xx are temporary (retryable), 5xx permanent; connection problems and timeouts are
    retryable. The message has ``Message-ID: <outbox-{id}.{hash of dedupe key}@patok>`` and
    ``X-Patok-Outbox-Id``, and its ``Date`` is the row's creation time, so a re-sent row is
    byte-for-byte the same message.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
        *,
        local_hostname: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        self._local_hostname = local_hostname

    def build(self, message: OutgoingMessage) -> EmailMessage:
        """The e-mail for ``message`` (raises ``ValueError`` for unusable headers)."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Message-ID"] = message_id(message)
        if message.created_at is not None:
            created = message.created_at
            if created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
            mail["Date"] = format_datetime(created)
        mail["X-Patok-Outbox-Id"] = str(message.id)
        if message.lang:
            mail["Content-Language"] = message.lang
        mail.set_content(message.body)
        return mail

    def _helo_name(self) -> str:
        if self._local_hostname is None:
            self._local_hostname = socket.getfqdn()
        return self._local_hostname

    def send(self, message: OutgoingMessage) -> None:
        """Send ``message`` to its address."""
        self.send_committing(message, lambda: None)

    def send_committing(self, message: OutgoingMessage, record: Callable[[], None]) -> None:
        """Send ``message``: envelope, DATA and the content, then ``record()``, then the final
        ``.`` that the server accepts the message on. If ``record`` fails, the final ``.`` is
        never sent and the server discards the message."""
        try:
            mail = self.build(message)
        except (ValueError, TypeError) as err:
            raise DeliveryError(f"cannot build e-mail: {_short(err)}", retryable=False) from err
        content = _dot_stuffed(mail.as_bytes(policy=email.policy.SMTP))
        try:
            smtp = smtplib.SMTP(
                self.host, self.port, timeout=self.timeout, local_hostname=self._helo_name()
            )
            finished = False
            try:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.ehlo_or_helo_if_needed()
                code, reply = smtp.mail(self.sender)
                if code != 250:
                    raise smtplib.SMTPSenderRefused(code, reply, self.sender)
                code, reply = smtp.rcpt(message.address)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({message.address: (code, reply)})
                code, reply = smtp.docmd("DATA")
                if code != 354:
                    raise smtplib.SMTPDataError(code, reply)
                smtp.send(content)
                record()
                smtp.send(b".\r\n")
                code, reply = smtp.getreply()
                finished = True
                if code != 250:
                    raise smtplib.SMTPDataError(code, reply)
            finally:
                _hang_up(smtp, politely=finished)
        except smtplib.SMTPRecipientsRefused as err:
            replies = list(err.recipients.values())
            retryable = any(400 <= code < 500 for code, _ in replies)
            detail = "; ".join(_smtp_reply(code, reply) for code, reply in replies)
            raise DeliveryError(f"recipient refused: {detail}", retryable=retryable) from err
        except smtplib.SMTPResponseException as err:
            retryable = not 500 <= err.smtp_code < 600
            raise DeliveryError(
                f"SMTP {_smtp_reply(err.smtp_code, err.smtp_error)}", retryable=retryable
            ) from err
        except smtplib.SMTPNotSupportedError as err:
            raise DeliveryError(f"SMTP: {_short(err)}", retryable=False) from err
        except (smtplib.SMTPException, OSError) as err:  # disconnects, refusals, timeouts
            raise DeliveryError(
                f"SMTP {type(err).__name__}: {_short(err)}", retryable=True
            ) from err


def _hang_up(smtp: smtplib.SMTP, *, politely: bool) -> None:
    """End the session: QUIT after a finished exchange; otherwise just close the connection (in
    the middle of DATA a QUIT would be read as message text, and the server discards a message
    whose final ``.`` never came)."""
    try:
        if politely:
            smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()


def _dot_stuffed(data: bytes) -> bytes:
    """A message as DATA carries it (RFC 5321 §4.5.2): CRLF line ends, a leading ``.`` doubled,
    ending in CRLF; the terminating ``.`` line is sent apart."""
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: a POST must not silently turn into a GET elsewhere."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> None:
        return None


class WebhookChannel:
    """A JSON POST of the row's payload to the row's URL, signed with HMAC-SHA256.

    Headers: ``Content-Type: application/json``, ``X-Patok-Signature: sha256=<hex>`` (HMAC of the
    exact body bytes with ``secret``), ``X-Patok-Delivery: <outbox id>`` and
    ``Idempotency-Key: <dedupe key>``. Any 2xx is success; 408, 429 and 5xx, timeouts and
    connection errors are retryable; other answers (4xx, 3xx) are permanent.
    """

    def __init__(self, secret: str, timeout: float = 10) -> None:
        self._secret = secret
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def request(self, message: OutgoingMessage) -> urllib.request.Request:
        """The signed HTTP request for ``message``."""
        body = message.payload.encode("utf-8")
        return urllib.request.Request(
            message.address,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "patok-notify/1",
                "X-Patok-Signature": sign(self._secret, body),
                "X-Patok-Delivery": str(message.id),
                "Idempotency-Key": message.dedupe_key,
            },
        )

    def send(self, message: OutgoingMessage) -> None:
        """POST ``message.payload`` to ``message.address``."""
        if not self._secret:
            raise DeliveryError(
                "webhook secret not configured (PATOK_WEBHOOK_SECRET)", retryable=False
            )
        if not message.address.lower().startswith(("http://", "https://")):
            raise DeliveryError(f"not an http(s) URL: {_short(message.address)}", retryable=False)
        try:
            json.loads(message.payload)
        except ValueError as err:
            raise DeliveryError(f"payload is not JSON: {_short(err)}", retryable=False) from err
        try:
            with self._opener.open(self.request(message), timeout=self.timeout) as response:
                response.read(65536)
                status = int(response.status)
        except urllib.error.HTTPError as err:
            status = err.code
            err.close()
        except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
            # refused, unreachable, timed out, TLS failure, garbled answer
            reason = err.reason if isinstance(err, urllib.error.URLError) else err
            raise DeliveryError(
                f"webhook {type(reason).__name__}: {_short(reason)}", retryable=True
            ) from err
        if 200 <= status < 300:
            return
        retryable = status in (408, 429) or status >= 500
        raise DeliveryError(f"webhook answered HTTP {status}", retryable=retryable)


def apprise_available() -> bool:
    """Whether the optional ``apprise`` package is installed."""
    return find_spec("apprise") is not None


class AppriseChannel:
    """Any service Apprise knows (Telegram, Slack, Matrix, …), addressed by an Apprise URL.

    A row whose address is empty or ``default`` goes to every one of ``default_urls``; a row
    addressed ``configured:<fingerprint>`` (:func:`states.notices.apprise_address`, what the
    sweep queues) to the one of them with that fingerprint — the URL and its token stay in the
    configuration, out of the database. Apprise reports only success or failure, so failures are
    retryable; an address Apprise cannot parse, or a fingerprint no configured URL has (the
    configuration changed), is permanent. Without the ``apprise`` package every send fails
    permanently with "apprise not installed".
    """

    def __init__(self, default_urls: Sequence[str] = ()) -> None:
        self.default_urls = list(default_urls)
        self._by_address = {apprise_address(url): url for url in self.default_urls}

    def send(self, message: OutgoingMessage) -> None:
        """Notify the row's Apprise URL (or the default URLs) with its subject and body."""
        try:
            import apprise
        except ImportError as err:
            raise DeliveryError("apprise not installed", retryable=False) from err
        address = message.address.strip()
        if address.startswith(APPRISE_PREFIX):
            configured = self._by_address.get(address)
            if configured is None:
                raise DeliveryError(
                    f"no URL in PATOK_APPRISE_URLS has the fingerprint {address}", retryable=False
                )
            urls = [configured]
        else:
            urls = self.default_urls if address in ("", "default") else [address]
        if not urls:
            raise DeliveryError("no apprise URL for this row", retryable=False)
        notifier = apprise.Apprise()
        for url in urls:
            if not notifier.add(url):
                raise DeliveryError(
                    f"apprise cannot use URL {_short(url.split('://')[0])}://…", retryable=False
                )
        try:
            ok = notifier.notify(title=message.subject, body=message.body)
        except Exception as err:  # a plugin's own failure
            raise DeliveryError(
                f"apprise {type(err).__name__}: {_short(err)}", retryable=True
            ) from err
        if not ok:
            raise DeliveryError("apprise could not notify every target", retryable=True)
