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

    def resolved_database_url(self) -> str:
        """The database URL: ``PATOK_DATABASE_URL``, else an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'patok.db').resolve()}"
