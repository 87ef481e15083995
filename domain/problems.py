"""Collecting bilingual problems before refusing, so one refusal names everything that is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import ValidationFailed

Where = tuple[str, str]
"""A location (a line and a field, a command option) in Bahasa Indonesia and in English."""

NOWHERE: Where = ("", "")


@dataclass
class Problems:
    """Problems found so far, as two lists of the same length and order (Indonesian, English)."""

    id: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)

    def add(self, where: Where, message_id: str, message_en: str) -> None:
        """Record one problem at ``where`` (which may be empty)."""
        where_id, where_en = where
        self.id.append(f"{where_id}: {message_id}" if where_id else message_id)
        self.en.append(f"{where_en}: {message_en}" if where_en else message_en)

    def __bool__(self) -> bool:
        return bool(self.id)

    def raise_if_any(self, prefix_id: str = "Ditolak", prefix_en: str = "Refused") -> None:
        """Raise one :class:`ValidationFailed` listing every problem, if there is any."""
        if self.id:
            raise ValidationFailed(
                f"{prefix_id}: " + "; ".join(self.id),
                f"{prefix_en}: " + "; ".join(self.en),
                problems=list(self.en),
            )
