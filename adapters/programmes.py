"""Programme definitions from files: the five shipped with patok, and a coordinator's own."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from domain.errors import ProgrammeFileError
from domain.programme import ProgrammeDefinition, parse_programme_yaml

_BUILTIN_CACHE: dict[str, ProgrammeDefinition] = {}


def load_programme_file(path: Path) -> ProgrammeDefinition:
    """Read and validate a programme YAML file.

    Any problem — a missing or unreadable file, a YAML syntax error, a top level that is not a
    mapping, an invalid field — raises ProgrammeFileError naming the path, the field and why.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgrammeFileError(source, "<file>", "file not found") from None
    except UnicodeDecodeError:
        raise ProgrammeFileError(source, "<file>", "not UTF-8 text") from None
    except OSError as error:
        raise ProgrammeFileError(source, "<file>", f"cannot read file: {error.strerror}") from None
    return parse_programme_yaml(text, source)


def builtin_programmes() -> dict[str, ProgrammeDefinition]:
    """The shipped programmes (PKA, PKP, PKN2, PIM3, PIM4) keyed by code; read once, then cached.

    Reads the YAML files shipped in ``domain/programmes``; an invalid one raises
    ProgrammeFileError.
    """
    if not _BUILTIN_CACHE:
        folder = files("domain") / "programmes"
        found: dict[str, ProgrammeDefinition] = {}
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".yaml"):
                continue
            source = f"domain/programmes/{entry.name}"
            definition = parse_programme_yaml(entry.read_text(encoding="utf-8"), source)
            if definition.code.lower() != entry.name.removesuffix(".yaml").lower():
                raise ProgrammeFileError(
                    source, "code", f"code {definition.code!r} does not match the file name"
                )
            found[definition.code] = definition
        _BUILTIN_CACHE.update(found)
    return dict(_BUILTIN_CACHE)
