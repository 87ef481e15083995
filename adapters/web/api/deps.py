"""Dependencies of the API's operations: the caller (read or write), paging, the context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from adapters.web.context import WebContext, web
from states.accounts import Principal


def reader(request: Request) -> Principal:
    """The authenticated caller (401 without a valid session or token)."""
    return web(request).auth.require(request)


def writer(request: Request) -> Principal:
    """The authenticated caller of an unsafe operation: a session must send its CSRF token in
    ``X-CSRF-Token``; a read-only token is refused."""
    ctx = web(request)
    principal = ctx.auth.require(request)
    ctx.auth.check_write(request, principal, None)
    return principal


class Paging:
    """``limit`` (1–500, default 50) and ``offset`` of a list."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


Ctx = Annotated[WebContext, Depends(web)]
Reader = Annotated[Principal, Depends(reader)]
Writer = Annotated[Principal, Depends(writer)]
Pages = Annotated[Paging, Depends()]
