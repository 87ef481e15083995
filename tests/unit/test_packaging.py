"""The web app's templates and static files ship in the package (pyproject package-data)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_template_and_static_file_is_declared_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["adapters"]
    web = ROOT / "adapters" / "web"
    files = [p for folder in ("templates", "static") for p in (web / folder).rglob("*") if p.is_file()]
    assert files
    for path in files:
        relative = path.relative_to(ROOT / "adapters").as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative
