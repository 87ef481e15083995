"""The JSON API, version 1: one router per area, mounted under ``/api/v1``."""
