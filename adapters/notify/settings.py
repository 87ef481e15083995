"""Settings of the notification dispatcher, from the environment (``PATOK_*``).

Kept apart from :class:`adapters.settings.Settings` so the dispatcher can be configured (and run)
on its own; both read the same ``PATOK_`` prefix and ignore each other's fields.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    """How notifications leave patok; every field can be set as ``PATOK_<NAME>``.

    ``PATOK_APPRISE_URLS`` is a JSON list (``'["tgram://…", "mailto://…"]'``): the targets of
    ``apprise`` outbox rows whose address is empty or ``default``.
    """

    model_config = SettingsConfigDict(env_prefix="PATOK_", extra="ignore")

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "patok@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    webhook_secret: str = ""
    webhook_timeout: float = 10.0
    apprise_urls: list[str] = []
    max_attempts: int = 5
