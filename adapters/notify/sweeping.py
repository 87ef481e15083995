"""The sweeper with every channel the settings configure: e-mail, the webhook and Apprise.

The bootstrap wires patok's sweeper with it, so the CLI, the API, the flows and the demo sweep
with the same channels: ``PATOK_WEBHOOK_URL`` adds one signed webhook row per raised alert,
``PATOK_APPRISE_URLS`` one Apprise row per alert and URL (in ``PATOK_LANG``).
"""

from __future__ import annotations

from adapters.settings import Settings
from states.engine import Engine
from states.sweep import Sweeper

__all__ = ["build_sweeper"]


def build_sweeper(engine: Engine, settings: Settings) -> Sweeper:
    """A sweeper on ``engine`` queuing to the links, webhook and Apprise URLs of ``settings``."""
    return Sweeper(
        engine,
        public_url=settings.public_url,
        webhook_url=settings.webhook_url,
        apprise_urls=settings.apprise_urls,
        chat_lang=settings.lang,
    )
