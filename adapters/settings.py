"""Settings from the environment (``PATOK_*``) through pydantic-settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """patok's configuration; every field can be set as ``PATOK_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="PATOK_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    lang: Literal["id", "en"] = "id"
    log_level: Literal["debug", "info", "warning", "error"] = "warning"
    log_format: Literal["auto", "console", "json"] = "auto"
    public_url: str = "http://127.0.0.1:8000"
    """Where people open patok: links in notifications point here."""
    webhook_url: str | None = None
    """Where every raised reminder and escalation is also POSTed (signed), if set."""
    apprise_urls: list[str] = []
    """Apprise URLs (a JSON list) every raised reminder and escalation is also sent to, as a chat
    message in ``lang``; the outbox refers to each by a fingerprint, never by the URL itself."""
    web_host: str = "127.0.0.1"
    """Where ``patok serve`` binds the web app and JSON API."""
    web_port: int = 8000
    secret_key: str | None = None
    """Signs session cookies and form tokens. Unset: a random key kept in the data directory
    (``secret_key``), shared by every process on this machine; set it when several hosts serve."""
    session_hours: float = 12.0
    """A browser session ends this long after login at the latest."""
    session_idle_minutes: float = 60.0
    """... or after this long without a request."""
    secure_cookies: bool = False
    """Mark cookies ``Secure`` (set when patok is served over HTTPS)."""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    prefect_ui_url: str | None = None
    """The Prefect UI the board links to (``patok serve`` sets it for the server it starts)."""
    web_threads: int = 8
    """Requests one web process works on at once (its thread pool): the engine is synchronous,
    and on SQLite writers queue on the database lock, so more threads than cores mostly wait."""
    max_request_mb: int = 120
    """Request bodies larger than this are refused with 413 (programme limits apply per file)."""

    def resolved_database_url(self) -> str:
        """The database URL: ``PATOK_DATABASE_URL``, else an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'patok.db').resolve()}"
