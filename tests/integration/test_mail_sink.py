"""The local mail sink ``patok serve`` sends e-mail to when no SMTP server is configured: every
message it accepts is a whole file on disk, and the dispatcher's messages arrive there."""

from __future__ import annotations

import smtplib
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

from adapters.notify.mail_sink import MailSink


def test_each_accepted_message_is_kept_as_a_whole_eml_file_naming_its_recipients(
    tmp_path: Path,
) -> None:
    sink = MailSink(tmp_path / "mail")
    sink.start()
    try:
        for n in (1, 2):
            message = EmailMessage()
            message["From"] = "patok@localhost"
            message["To"] = "mentor@uji.go.id"
            message["Subject"] = f"Pengingat {n}: laporan diagnosis"
            message.set_content("Batas waktu: Jumat, 20 Maret 2026 (WIT).")
            with smtplib.SMTP(sink.host, sink.port, timeout=10) as smtp:
                refused = smtp.send_message(message, to_addrs=["mentor@uji.go.id", "coach@uji.go.id"])
            assert refused == {}
    finally:
        sink.stop()
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # no half-written .part left
    kept = [message_from_bytes(f.read_bytes()) for f in files]
    assert sorted(str(m["Subject"]) for m in kept) == [
        "Pengingat 1: laporan diagnosis",
        "Pengingat 2: laporan diagnosis",
    ]
    assert {m["X-Patok-Envelope-To"] for m in kept} == {"mentor@uji.go.id, coach@uji.go.id"}
    assert "Batas waktu: Jumat, 20 Maret 2026 (WIT)." in kept[0].get_payload()
