"""The web process's entry point for uvicorn: ``uvicorn --factory adapters.web.asgi:app_from_environment``.

Builds patok from the environment (``PATOK_*``) through the one bootstrap, migrating the database
on first use, exactly as the CLI and the flows do.
"""

from __future__ import annotations

from fastapi import FastAPI

from adapters.bootstrap import bootstrap
from adapters.settings import Settings
from adapters.web.app import create_app


def app_from_environment() -> FastAPI:
    """The web app on patok wired from the environment."""
    return create_app(bootstrap(Settings()), close_on_shutdown=True)
