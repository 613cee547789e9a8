"""Reading site generators' configs without running them: YAML, Python literals, JS/TS keys.

YAML is loaded safely with unknown tags tolerated, a Python config (Sphinx's conf.py) is
read with `ast` for its top-level literal assignments, and a JS/TS config is read with
narrow patterns for the few keys that matter. Globs match as the generators match them.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from typing import Any


def load_yaml(text: str) -> Any:
    """YAML loaded safely; unknown tags (`!!python/name:…`, `!ENV`) become plain values."""
    import yaml

    class _Tolerant(yaml.SafeLoader):
        pass

    def unknown(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]

    _Tolerant.add_multi_constructor("", unknown)
    try:
        return yaml.load(text, Loader=_Tolerant)  # a SafeLoader: builds no Python objects
    except yaml.YAMLError:
        return None


def gitignore_match(rel: str, patterns: list[str]) -> bool:
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        anchored = pattern.startswith("/")
        pattern = pattern.strip("/")
        hit = (
            glob_match(rel, pattern)
            if anchored or "/" in pattern
            else any(fnmatch.fnmatch(part, pattern) for part in rel.split("/"))
        )
        if hit:
            excluded = not negate
    return excluded


def python_literals(source: str) -> dict[str, Any]:
    """Top-level `NAME = <literal>` assignments of a Python file, without running it."""
    try:
        module = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    values: dict[str, Any] = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    continue
    return values


def strip_js_comments(code: str) -> str:
    """Remove `/* */` and `//` comments (not `://` in URLs); strings are left alone."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.DOTALL)
    return re.sub(r"(?m)(^|[\s;,{}()\[\]])//.*$", r"\1", code)


_STRING = r"""(?P<q>['"`])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)"""


def js_string(code: str, key: str) -> str | None:
    """The string literal given to `key:` (the first one), or None."""
    match = re.search(rf"(?<![\w$.]){re.escape(key)}['\"]?\s*:\s*{_STRING}", code)
    return match["s"] if match else None


def js_strings(code: str, key: str) -> list[str]:
    """The string literals of the array given to `key:`."""
    match = re.search(rf"(?<![\w$.]){re.escape(key)}['\"]?\s*:\s*\[(.*?)\]", code, re.DOTALL)
    if not match:
        return []
    return [m["s"] for m in re.finditer(_STRING, match.group(1))]


def js_string_map(code: str, key: str) -> dict[str, str]:
    """`key: { 'a': 'b', ... }` with string keys and values."""
    block = js_block(code, key)
    if not block:
        return {}
    pairs = re.finditer(r"""(['"])(?P<k>[^'"]+)\1\s*:\s*(['"])(?P<v>[^'"]*)\3""", block)
    return {m["k"]: m["v"] for m in pairs}


def js_block(code: str, key: str) -> str | None:
    """The text of the `{ ... }` object given to `key:`, braces balanced."""
    match = re.search(rf"(?<![\w$.]){re.escape(key)}['\"]?\s*:\s*\{{", code)
    if not match:
        return None
    depth, start = 0, match.end() - 1
    for i in range(start, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return code[start + 1 : i]
    return None


def glob_match(path: str, pattern: str) -> bool:
    """Glob with `**` spanning folders (as in srcExclude and exclude_patterns)."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.fullmatch(regex, path) is not None or re.fullmatch(regex + "/.*", path) is not None
