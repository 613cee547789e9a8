"""YAML front matter: split from a markdown file's body and read, tolerant of what docs write.

Real front matter is not always valid YAML: Mastra's SKILL.md files have carried unquoted
package names (`package: @mastra/memory`; `@` may not start a plain YAML scalar) and
descriptions with a colon inside. When the YAML parser refuses a block, such values are
quoted and it is read again; what still fails is kept as raw text, never lost.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# `key: value` on one line, the value not already quoted, a flow collection, a block
# scalar, an anchor, an alias or a tag.
_PLAIN_ENTRY = re.compile(
    r"^(?P<key>[ \t]*[^\s#:'\"-][^:]*?:)[ \t]+(?P<value>[^\s'\"\[{|>&*!].*?)[ \t]*$"
)
# Starts with a reserved indicator, or holds a `: ` (read as a nested mapping).
_MISREAD = re.compile(r"^[@`]|: ")


def front_matter_block(text: str) -> tuple[str, str]:
    """(the front matter block as written, `---` lines included, or "", the body after it)."""
    match = _FRONT_MATTER.match(text)
    return (match.group(0), text[match.end() :]) if match else ("", text)


def split_front_matter(text: str, *, plain: bool = False) -> tuple[dict[str, Any], str]:
    """The front matter as a dict, and the body after it.

    Front matter that is not a mapping, or cannot be read even after repair, comes back as
    `{"_raw": text}`. With `plain`, every value is the string as written (`version: 1.10`
    stays "1.10"); otherwise YAML's types, made JSON-safe (dates become strings).
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    raw = match.group(1)
    body = text[match.end() :]
    try:
        loaded = read_yaml(raw, plain=plain)
    except ValueError:
        return {"_raw": raw}, body
    if isinstance(loaded, dict):
        return {str(k): _json_safe(v) for k, v in loaded.items()}, body
    return ({"_raw": raw} if raw.strip() else {}), body


def read_yaml(text: str, *, plain: bool = False) -> Any:
    """A YAML document; values YAML misreads are quoted and it is tried again.

    Raises ValueError when it cannot be read either way.
    """
    import yaml  # only pages with front matter pay for the import

    loader = yaml.BaseLoader if plain else yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        repaired = quote_misread_values(text)
        if repaired == text:
            raise ValueError(str(exc)) from exc
    try:
        return yaml.load(repaired, Loader=loader)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc


def quote_misread_values(text: str) -> str:
    """Double-quote the one-line plain values YAML refuses (`@scope/name`, `a: b: c`)."""
    lines = []
    for line in text.split("\n"):
        entry = _PLAIN_ENTRY.match(line)
        if entry and _MISREAD.search(entry["value"]):
            line = f"{entry['key']} {json.dumps(entry['value'], ensure_ascii=False)}"
        lines.append(line)
    return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    """Front matter values as JSON-safe data (YAML dates and the like become strings)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)
