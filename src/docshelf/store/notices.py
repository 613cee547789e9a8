"""Notices said once per data directory: said again only when what they are about changes.

A JSON file beside the database (`notices.json`) maps a notice to the state it was last
said (or found unneeded) in; replaced whole, atomically. Losing it only repeats a notice.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from docshelf.files import write_atomically

NOTICES = "notices.json"


def first_in_state(home: Path, notice: str, state: str) -> bool:
    """True when `notice` was last recorded in another state, or never; records `state`."""
    file = home / NOTICES
    try:
        seen = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seen = {}
    if not isinstance(seen, dict):
        seen = {}
    if seen.get(notice) == state:
        return False
    seen[notice] = state
    with contextlib.suppress(OSError):  # a read-only home: the notice repeats, nothing worse
        _write(home, seen)
    return True


def _write(home: Path, seen: dict[str, object]) -> None:
    write_atomically(home / NOTICES, json.dumps(seen, indent=2, sort_keys=True) + "\n")
