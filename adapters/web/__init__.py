"""The web door: a JSON API under ``/api/v1`` and server-rendered pages, on one FastAPI app.

Both go through the one bootstrapped :class:`~adapters.bootstrap.Patok` — the same engine, queries
and policy as the CLI and the flows.
"""
