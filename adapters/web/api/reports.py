"""The JSON API for reports (being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["reports"])
