"""Installation-wide operations (organisers): sweep, dispatch, digests, audit verification."""

from __future__ import annotations

from fastapi import APIRouter

from adapters.cli.render import sweep_json
from adapters.notify.digest_text import render_digest
from adapters.notify.dispatcher import Dispatcher, digest
from adapters.notify.settings import NotifySettings
from adapters.web.api.deps import Ctx, Reader, Writer
from adapters.web.api.schemas import AuditOut, Count, DigestIn, DispatchOut, SweepOut
from adapters.web.context import WebContext
from domain import policy
from domain.errors import ValidationFailed
from states.accounts import Principal

router = APIRouter(tags=["operations"])


def organiser(ctx: WebContext, who: Principal, what: str) -> None:
    """Refuse anyone but an organiser acting in their own name."""
    policy.require_organiser(
        who.person.can_create_cohorts and who.token_id is None, actor=who.person.name, what=what
    )
    if ctx.patok.database is None:
        raise ValidationFailed("Tidak ada basis data SQL", "No SQL database is configured")


@router.post("/sweep", response_model=SweepOut)
def sweep(ctx: Ctx, who: Writer) -> SweepOut:
    """Raise the reminders and escalations that are due now (the flow does it every 5 minutes)."""
    organiser(ctx, who, "menjalankan sweep / run a sweep")
    return SweepOut(**sweep_json(ctx.patok.sweeper.sweep()))


@router.post("/dispatch", response_model=DispatchOut)
def dispatch(ctx: Ctx, who: Writer) -> DispatchOut:
    """Send the outbox once, with retries (the flow does it every minute)."""
    organiser(ctx, who, "mengirim kotak keluar / dispatch the outbox")
    assert ctx.patok.database is not None
    report = Dispatcher.from_settings(
        ctx.patok.database, NotifySettings(), clock=ctx.patok.engine.clock.now
    ).drain()
    return DispatchOut(
        sent=report.sent,
        retried=report.retried,
        dead=report.dead,
        claimed=report.claimed,
        cancelled=report.cancelled,
    )


@router.post("/digest", response_model=Count)
def build_digests(body: DigestIn, ctx: Ctx, who: Writer) -> Count:
    """Build the daily digests of held notifications (of one zone's cohorts, if named)."""
    organiser(ctx, who, "membuat ringkasan / build digests")
    assert ctx.patok.database is not None
    made = digest(
        ctx.patok.database, ctx.patok.engine.clock.now(), render_digest, timezone=body.zone
    )
    return Count(count=made)


@router.get("/audit/verify", response_model=AuditOut)
def verify_audit(ctx: Ctx, who: Reader) -> AuditOut:
    """Verify the audit log's hash chain; ``first_bad`` names the first edited or missing entry."""
    organiser(ctx, who, "memeriksa jejak audit / verify the audit log")
    report = ctx.patok.queries.verify_audit()
    fault = report.fault
    return AuditOut(
        streams=report.streams,
        entries=report.entries,
        intact=fault is None,
        first_bad=None
        if fault is None
        else {
            "stream": fault.stream,
            "seq": fault.seq,
            "stream_seq": fault.stream_seq,
            "why": fault.why,
        },
    )
