"""griffe objects as text: signatures, parsed docstrings, member lines, source excerpts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import griffe

from docshelf.packages.api_records import DocSection

WRAP_AT = 88  # a signature longer than this gets one parameter per line
SUMMARY_CHARS = 100
STYLES = ("google", "numpy", "sphinx")
_DEFAULT_STYLE = "google"  # parses plain prose as a description, which is what it is


def summary_of(obj: Any) -> str:
    """The first line of an object's docstring, cut to SUMMARY_CHARS."""
    docstring = getattr(obj, "docstring", None)
    text = docstring.value.strip() if docstring is not None and docstring.value else ""
    first = ""
    for paragraph in text.split("\n\n"):
        # mkdocs admonitions (`!!! note`) and their indented bodies are not the summary
        if paragraph.startswith(("!!!", "???", " ", "\t")) or not paragraph.strip():
            continue
        first = " ".join(paragraph.split())
        break
    return first if len(first) <= SUMMARY_CHARS else first[: SUMMARY_CHARS - 1].rstrip() + "…"


def detect_style(objects: Iterable[Any], sample: int = 300) -> str:
    """The docstring style most of `objects` use (google, numpy or sphinx): griffe's
    heuristics on each docstring, else (older griffe versions miss some numpy markers)
    the parser that finds the most sections in a few of them; google when none says."""
    infer = getattr(griffe, "infer_docstring_style", None)
    if infer is None:
        return _DEFAULT_STYLE
    docstrings = []
    for obj in objects:
        docstring = getattr(obj, "docstring", None)
        if docstring is not None and docstring.value:
            docstrings.append(docstring)
            if len(docstrings) >= sample:
                break
    votes: Counter[str] = Counter()
    for docstring in docstrings:
        votes.update(_infer(infer, docstring, method="heuristics"))
    if not votes:
        for docstring in [d for d in docstrings if "\n\n" in d.value.strip()][:40]:
            votes.update(_most_sections(docstring))
    return votes.most_common(1)[0][0] if votes else _DEFAULT_STYLE


def _infer(infer: Any, docstring: Any, method: str) -> list[str]:
    """The style griffe infers for one docstring, as a one-vote list ([] for none)."""
    try:
        style, _sections = infer(docstring, method=method, default=None)
    except Exception:  # a docstring griffe cannot judge: no vote
        return []
    return [] if style is None else [str(getattr(style, "value", style))]


def _most_sections(docstring: Any) -> list[str]:
    """The style whose parser finds the most sections beyond plain text, as a vote."""
    best, most = [], 0
    for style in STYLES:
        try:
            sections = docstring.parse(style)
        except Exception:
            continue
        found = sum(1 for s in sections if str(getattr(s.kind, "value", s.kind)) != "text")
        if found > most:
            best, most = [style], found
    return best


def docstring_sections(obj: Any, style: str) -> tuple[DocSection, ...]:
    """The object's docstring parsed in `style` (or the style it plainly uses instead)."""
    docstring = getattr(obj, "docstring", None)
    if docstring is None or not docstring.value:
        return ()
    infer = getattr(griffe, "infer_docstring_style", None)
    if infer is not None:
        try:
            own, _sections = infer(docstring, default=None)
            if own is not None:
                style = str(getattr(own, "value", own))
        except Exception:
            pass
    try:
        sections = docstring.parse(style)
    except Exception:  # a docstring the parser chokes on: show it as written
        return (DocSection("", tuple(docstring.value.splitlines())),)
    return tuple(s for s in (_section(section) for section in sections) if s.lines)


def _section(section: Any) -> DocSection:
    kind = str(getattr(section.kind, "value", section.kind))
    title = section.title or kind.capitalize()
    value = section.value
    if kind == "text":
        return DocSection("", tuple(str(value).splitlines()))
    if kind == "examples":
        lines: list[str] = []
        for part_kind, text in value:
            if str(getattr(part_kind, "value", part_kind)) == "examples":
                lines += ["```python", *str(text).splitlines(), "```"]
            else:
                lines += str(text).splitlines()
        return DocSection(title, tuple(lines))
    if kind == "admonition":
        return DocSection(title, tuple(str(value.description or "").splitlines()))
    if kind == "deprecated":
        version = f"{value.version}: " if getattr(value, "version", None) else ""
        return DocSection(title, tuple((version + str(value.description or "")).splitlines()))
    if isinstance(value, list):
        return DocSection(title, tuple(line for item in value for line in _item_lines(item)))
    return DocSection(title, tuple(str(value).splitlines()))


def _item_lines(item: Any) -> list[str]:
    name = getattr(item, "name", "") or ""
    annotation = getattr(item, "annotation", None)
    description = str(getattr(item, "description", "") or "").strip()
    head = f"- {name}" if name else "-"
    if annotation:
        head += f" ({annotation})" if name else f" {annotation}"
    lines = description.splitlines() or [""]
    first = f"{head}: {lines[0]}" if lines[0] else head
    return [first, *(f"  {line}" for line in lines[1:])]


# --- signatures -------------------------------------------------------------------------


def signature(obj: Any, name: str | None = None) -> str:
    """Python code declaring `obj`: `def`, `class` (with its constructor), an attribute or
    a type alias; overloads and decorators included."""
    kind = _kind(obj)
    shown = name or obj.name
    if kind == "function":
        overloads = getattr(obj, "overloads", None) or []
        defs = [_function_def(o, shown, overload=True) for o in overloads]
        return "\n".join([*defs, _function_def(obj, shown)])
    if kind == "class":
        bases = ", ".join(str(b) for b in getattr(obj, "bases", []) or [])
        header = f"class {shown}({bases}):" if bases else f"class {shown}:"
        init = obj.members.get("__init__")
        if init is not None and _kind(init) == "function":
            body = _function_def(init, "__init__").replace("\n", "\n    ")
            return f"{header}\n    {body}"
        return header
    if kind == "attribute":
        annotation = getattr(obj, "annotation", None)
        value = getattr(obj, "value", None)
        text = shown + (f": {annotation}" if annotation else "")
        if value is not None:
            rendered = str(value)
            text += " = " + (rendered if len(rendered) <= 200 else rendered[:199] + "…")
        return text
    if kind == "type alias":
        return f"type {shown} = {getattr(obj, 'value', '')}"
    if kind == "module":
        return f"import {obj.path}"
    return shown


def short_signature(obj: Any, name: str) -> str:
    """One line for a member listing: `send(request, *, stream=False) -> Response`."""
    kind = _kind(obj)
    if kind == "function":
        params = _parameters(obj, drop_self=_is_method(obj))
        returns = getattr(obj, "returns", None)
        text = f"{name}({', '.join(params)})" + (f" -> {returns}" if returns else "")
        prefix = "async " if "async" in _labels(obj) else ""
        return prefix + text
    if kind == "class":
        bases = ", ".join(str(b) for b in getattr(obj, "bases", []) or [])
        return f"class {name}({bases})" if bases else f"class {name}"
    if kind == "attribute":
        annotation = getattr(obj, "annotation", None)
        label = " (property)" if "property" in _labels(obj) else ""
        return (f"{name}: {annotation}" if annotation else name) + label
    return name


def _function_def(func: Any, name: str, overload: bool = False) -> str:
    params = _parameters(func, drop_self=False)
    returns = getattr(func, "returns", None)
    prefix = "async def" if "async" in _labels(func) else "def"
    decorators = [
        f"@{d.value}" for d in getattr(func, "decorators", []) or [] if str(d.value) != "overload"
    ]
    if overload:
        decorators = ["@overload", *decorators]
    tail = f" -> {returns}" if returns else ""
    one_line = f"{prefix} {name}({', '.join(params)}){tail}: ..."
    if len(one_line) > WRAP_AT and params:
        inner = "".join(f"    {p},\n" for p in params)
        one_line = f"{prefix} {name}(\n{inner}){tail}: ..."
    return "\n".join([*decorators, one_line])


def _parameters(func: Any, drop_self: bool) -> list[str]:
    params = list(getattr(func, "parameters", []) or [])
    if drop_self and params and params[0].name in ("self", "cls"):
        params = params[1:]
    parts: list[str] = []
    star_seen = False
    positional_only = False
    for param in params:
        kind = str(getattr(param.kind, "value", param.kind) or "positional or keyword")
        if positional_only and kind != "positional-only":
            parts.append("/")
            positional_only = False
        if kind == "keyword-only" and not star_seen:
            parts.append("*")
            star_seen = True
        if kind == "variadic positional":
            text, star_seen = f"*{param.name}", True
        elif kind == "variadic keyword":
            text = f"**{param.name}"
        else:
            text = param.name
        if param.annotation is not None and str(param.annotation):
            text += f": {param.annotation}"
        if param.default is not None and not kind.startswith("variadic"):
            text += (" = " if param.annotation is not None else "=") + str(param.default)
        positional_only = kind == "positional-only"
        parts.append(text)
    if positional_only:
        parts.append("/")
    return parts


def _is_method(obj: Any) -> bool:
    parent = getattr(obj, "parent", None)
    return parent is not None and _kind(parent) == "class"


def _labels(obj: Any) -> set[str]:
    return {str(label) for label in getattr(obj, "labels", set()) or set()}


def _kind(obj: Any) -> str:
    kind = getattr(obj, "kind", None)
    return str(getattr(kind, "value", kind))


def kind_of(obj: Any) -> str:
    """griffe's kind of an object ('class', 'function', 'attribute', 'module', ...), with
    properties and methods told apart."""
    kind = _kind(obj)
    if kind == "function" and _is_method(obj):
        return "method"
    if kind == "attribute" and "property" in _labels(obj):
        return "property"
    return kind


def source_of(
    obj: Any, lines: griffe.LinesCollection, max_lines: int
) -> tuple[str | None, Path | None, int | None, bool]:
    """(source text, file, first line, cut) of an object's definition, at most `max_lines`."""
    filepath = getattr(obj, "filepath", None)
    start, end = getattr(obj, "lineno", None), getattr(obj, "endlineno", None)
    if not isinstance(filepath, Path) or start is None:
        return None, None, None, False
    try:
        text_lines = lines[filepath]
    except KeyError:
        return None, filepath, start, False
    first = start
    while first > 1 and text_lines[first - 2].lstrip().startswith("@"):  # its decorators
        first -= 1
    last = end or start
    cut = last - first + 1 > max_lines
    last = min(last, first + max_lines - 1)
    return "\n".join(text_lines[first - 1 : last]), filepath, first, cut
