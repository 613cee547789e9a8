"""npm package specs: `npm:NAME[@VERSION|@RANGE|@TAG]` parsed, and package names checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docshelf.errors import UsageError

_PART = r"[a-z0-9~-][a-z0-9._~-]*"
# npm's own pattern; upper case is allowed because old packages (JSONStream) use it.
_NAME_RE = re.compile(rf"^(?:@{_PART}/)?{_PART}$", re.IGNORECASE)
_RESERVED_NAMES = {"node_modules", "favicon.ico"}
SPEC_EXAMPLE = "npm:@mastra/mcp-docs-server@1.1.45 (or npm:lodash, npm:lodash@^4, npm:x@next)"


@dataclass(frozen=True)
class NpmSpec:
    """What the user asked for: a package name and a version, range or dist-tag."""

    name: str
    wanted: str | None = None  # None means the `latest` dist-tag

    def __post_init__(self) -> None:
        # The name becomes a cache path, so even hand-built specs are checked.
        check_package_name(self.name)

    def __str__(self) -> str:
        return f"npm:{self.name}" + (f"@{self.wanted}" if self.wanted else "")


def parse_npm_spec(text: str) -> NpmSpec:
    """Parse 'npm:NAME[@VERSION|@RANGE|@TAG]'; the 'npm:' prefix is optional."""
    body = text.strip()
    body = body.removeprefix("npm:")
    at = body.find("@", 1)  # a leading "@" starts a scope, not a version
    name, wanted = (body, None) if at < 0 else (body[:at], body[at + 1 :].strip())
    why = _name_problem(name)
    if why is None and wanted == "":
        why = "nothing follows the '@'"
    if why is not None:
        raise UsageError(f"Bad npm package spec {text!r}: {why}. Write it like {SPEC_EXAMPLE}.")
    return NpmSpec(name, wanted)


def _name_problem(name: str) -> str | None:
    if not name:
        return "the package name is empty"
    if len(name) > 214:
        return "npm package names are at most 214 characters"
    if name.lower() in _RESERVED_NAMES:
        return f"{name!r} is a reserved name"
    if not _NAME_RE.match(name):
        return (
            f"{name!r} is not a valid npm package name (letters, digits, '-', '.', '_' and "
            "'~', not starting with '.' or '_', optionally '@scope/' in front)"
        )
    return None


def check_package_name(name: str) -> None:
    """Raise UsageError, with an example, unless `name` is a valid npm package name."""
    why = _name_problem(name)
    if why is not None:
        raise UsageError(f"Bad npm package name: {why}. Write it like {SPEC_EXAMPLE}.")
