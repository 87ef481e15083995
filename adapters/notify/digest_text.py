"""The daily digest's text: one message listing a person's held notifications."""

from __future__ import annotations

from adapters.notify.dispatcher import HeldMessage


def render_digest(lang: str, items: list[HeldMessage]) -> tuple[str, str]:
    """(subject, body) of a digest in the person's language, newest notification last."""
    en = lang == "en"
    subject = (
        f"[patok] Daily digest: {len(items)} notification(s)"
        if en
        else f"[patok] Ringkasan harian: {len(items)} pemberitahuan"
    )
    intro = (
        "Here is what patok held for you since the last digest:"
        if en
        else "Berikut pemberitahuan patok untuk Anda sejak ringkasan terakhir:"
    )
    lines = [intro, ""]
    for n, item in enumerate(sorted(items, key=lambda i: i.id), start=1):
        lines += [f"{n}. {item.subject}", "   " + item.body.replace("\n", "\n   "), ""]
    return subject, "\n".join(lines).rstrip() + "\n"
