"""Index one TypeScript or JavaScript file: its top-level exports, imports and declarations."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

_IDENT = r"[A-Za-z_$][\w$]*"
_KINDS = r"class|function\*?|const\s+enum|const|let|var|enum|namespace|module|type|interface"
_DECL_RE = re.compile(
    rf"^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?P<kind>{_KINDS})\s+(?P<name>{_IDENT})",
    re.M,
)
_LOCAL_DECL_RE = re.compile(
    rf"^(?:declare\s+)?(?:abstract\s+)?(?P<kind>{_KINDS})\s+(?P<name>{_IDENT})", re.M
)
_NAMED_RE = re.compile(
    r"^export\s+(?:type\s+)?\{(?P<body>[^}]*)\}\s*(?:from\s*(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q))?",
    re.M,
)
_STAR_RE = re.compile(
    rf"^export\s+(?:type\s+)?\*\s*(?:as\s+(?P<ns>{_IDENT})\s+)?from\s*['\"](?P<spec>[^'\"]+)['\"]",
    re.M,
)
_IMPORT_RE = re.compile(
    r"^import\s+(?:type\s+)?(?P<clause>[^;'\"]*?)\s*from\s*['\"](?P<spec>[^'\"]+)['\"]", re.M
)
_JS_DECL = r"^(?:export\s+)?(?:(?:async\s+)?function\*?|class|var|let|const)\s+(?:{name})(?![\w$])"
_NOT_BRACKET_RE = re.compile(r"[^(){}\[\]\n]+")
_ONE_BRACKET = str.maketrans("{[}]", "(())")
_STATEMENT_START_RE = re.compile(r"^(?:export|declare|import|type|interface|function|class)\b")
# Comments go, strings stay: a module specifier is a string.
_COMMENT_OR_STRING_RE = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`", re.S
)


@dataclass
class ParsedModule:
    """What a .d.ts or .js file exports and imports."""

    text: str
    code: str  # the text with comments blanked (in .d.ts files), offsets unchanged
    declarations: dict[str, tuple[str, int]] = field(default_factory=dict)  # exported
    locals: dict[str, tuple[str, int]] = field(default_factory=dict)  # not exported
    named: dict[str, tuple[str, str | None, int]] = field(default_factory=dict)
    stars: list[tuple[str, int]] = field(default_factory=list)
    namespaces: dict[str, tuple[str, int]] = field(default_factory=dict)  # export * as ns
    imports: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def parse_module(text: str, typescript: bool) -> ParsedModule:
    """Index a module's top-level exports and imports.

    Bundlers and tsc write top-level statements at column 0 and indent everything
    nested, so `^export` finds them. In .d.ts files comments are blanked first (doc
    examples often show `export` lines) and bracket depth is checked too. JS is taken
    as is: its regex literals defeat a simple tokenizer, and its declarations are only
    searched on demand (`find_js_declaration`).
    """
    code, blanked = _blank(text) if typescript else (text, "")
    module = ParsedModule(text, code)
    starts = [0, *(m.end() for m in re.finditer("\n", code))]
    depths = _line_depths(blanked) if typescript else None

    def top(match: re.Match[str]) -> int | None:
        index = bisect.bisect_right(starts, match.start()) - 1
        return index + 1 if depths is None or depths[index] == 0 else None

    if typescript:
        for match in _DECL_RE.finditer(code):
            if (line := top(match)) is not None:
                module.declarations.setdefault(match["name"], (_kind(match["kind"]), line))
        for match in _LOCAL_DECL_RE.finditer(code):
            if (line := top(match)) is not None:
                module.locals.setdefault(match["name"], (_kind(match["kind"]), line))
    for match in _NAMED_RE.finditer(code):
        if (line := top(match)) is not None:
            for local, exported in _specifiers(match["body"]):
                module.named.setdefault(exported, (local, match["spec"], line))
    for match in _STAR_RE.finditer(code):
        if (line := top(match)) is not None:
            if match["ns"]:
                module.namespaces.setdefault(match["ns"], (match["spec"], line))
            else:
                module.stars.append((match["spec"], line))
    for match in _IMPORT_RE.finditer(code):
        if (line := top(match)) is not None:
            for local, imported in _import_bindings(match["clause"]):
                module.imports.setdefault(local, (imported, match["spec"], line))
    return module


def is_types_file(file: str) -> bool:
    return file.endswith((".d.ts", ".d.mts", ".d.cts"))


def find_js_declaration(module: ParsedModule, name: str) -> int | None:
    """The 1-based line where JS code declares `name` at the top level, or None."""
    match = re.search(_JS_DECL.format(name=re.escape(name)), module.code, re.M)
    return module.code.count("\n", 0, match.start()) + 1 if match else None


def declaration_excerpt(
    module: ParsedModule, line: int, kind: str, name: str, max_lines: int
) -> tuple[str, bool]:
    """The lines of the declaration at 1-based `line`, with the doc comment above it and
    any overloads after it, at most `max_lines` of them; whether it was cut."""
    text_lines = module.text.splitlines()
    code_lines = _COMMENT_OR_STRING_RE.sub(_blank_all, module.text).splitlines()
    start = line - 1
    end = _statement_end(code_lines, start, kind)
    overload = re.compile(rf"^(?:export\s+)?(?:declare\s+)?function\s+{re.escape(name)}\b")
    while kind == "function":  # overloads follow one another
        after = _next_statement(code_lines, end + 1)
        if after is None or not overload.match(code_lines[after]):
            break
        end = _statement_end(code_lines, after, kind)
    start = _doc_comment_start(text_lines, start)
    cut = end - start + 1 > max_lines
    end = min(end, start + max_lines - 1)
    return "\n".join(text_lines[start : end + 1]), cut


def _blank(text: str) -> tuple[str, str]:
    """`text` with its comments blanked (strings stay: module specifiers are strings), and
    with comments and strings blanked, in one pass; offsets and line breaks unchanged."""
    code: list[str] = []
    blanked: list[str] = []
    last = 0
    for match in _COMMENT_OR_STRING_RE.finditer(text):
        token = match.group()
        between = text[last : match.start()]
        spaces = _spaces(token)
        code += (between, spaces if token.startswith(("//", "/*")) else token)
        blanked += (between, spaces)
        last = match.end()
    tail = text[last:]
    return "".join(code) + tail, "".join(blanked) + tail


def _spaces(token: str) -> str:
    if "\n" not in token:
        return " " * len(token)
    return "\n".join(" " * len(part) for part in token.split("\n"))


def _blank_all(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _line_depths(code: str) -> list[int]:
    depths: list[int] = []
    depth = 0
    # Brackets alone, each kind written as "(" or ")": two counts per line, not six.
    for line in _NOT_BRACKET_RE.sub("", code).translate(_ONE_BRACKET).split("\n"):
        depths.append(depth)
        if line:
            depth = max(depth + line.count("(") - line.count(")"), 0)
    return depths


def _kind(raw: str) -> str:
    return " ".join(raw.split()).rstrip("*")


def _specifiers(body: str) -> list[tuple[str, str]]:
    """(local, exported) pairs of an `export { a, b as c, type d }` list."""
    pairs: list[tuple[str, str]] = []
    for item in body.split(","):
        words = item.split()
        if words and words[0] == "type" and len(words) > 1:
            words = words[1:]
        if len(words) == 1:
            pairs.append((words[0], words[0]))
        elif len(words) == 3 and words[1] == "as":
            pairs.append((words[0], words[2]))
    return pairs


def _import_bindings(clause: str) -> list[tuple[str, str]]:
    """(local, imported) pairs of an import clause; "*" for a namespace import."""
    bindings: list[tuple[str, str]] = []
    braces = re.search(r"\{([^}]*)\}", clause)
    if braces:
        bindings += [(local, imported) for imported, local in _specifiers(braces.group(1))]
    rest = re.sub(r"\{[^}]*\}", "", clause).strip().strip(",").strip()
    if star := re.match(rf"\*\s*as\s+({_IDENT})", rest):
        bindings.append((star.group(1), "*"))
    elif rest and re.fullmatch(_IDENT, rest.split(",")[0].strip()):
        bindings.append((rest.split(",")[0].strip(), "default"))
    return bindings


def _statement_end(code_lines: list[str], start: int, kind: str) -> int:
    """Index of the last line of the statement starting at line index `start`.

    `code_lines` have comments and strings blanked, so brackets in them do not count.
    """
    block = kind in ("class", "interface", "enum", "const enum", "namespace", "module")
    depth = 0
    for index in range(start, len(code_lines)):
        line = code_lines[index]
        if index > start and depth == 0 and _STATEMENT_START_RE.match(line):
            return index - 1  # the statement ended without a ";"
        for col, char in enumerate(line):
            if char in "({[":
                depth += 1
            elif char in ")}]":
                depth -= 1
                if block and depth == 0 and char == "}" and line[col + 1 :].strip() in ("", ";"):
                    return index
            elif char == ";" and depth <= 0 and not block:
                return index
    return len(code_lines) - 1


def _next_statement(code_lines: list[str], index: int) -> int | None:
    while index < len(code_lines):
        if code_lines[index].strip():
            return index
        index += 1
    return None


def _doc_comment_start(text_lines: list[str], start: int) -> int:
    """Index of the `/**` line of a doc comment ending right above `start`, else `start`."""
    above = start - 1
    if above < 0 or not text_lines[above].strip().endswith("*/"):
        return start
    for index in range(above, max(-1, above - 400), -1):
        if text_lines[index].lstrip().startswith("/**"):
            return index
    return start


def doc_comment(module: ParsedModule, line: int) -> list[str]:
    """The lines of the `/** ... */` comment right above the 1-based `line`, without the
    comment marks; [] when there is none."""
    text_lines = module.lines
    start = _doc_comment_start(text_lines, line - 1)
    if start == line - 1:
        return []
    lines = []
    for raw in text_lines[start : line - 1]:
        text = raw.strip().removeprefix("/**").removesuffix("*/")
        text = text[1:] if text.startswith("*") else text
        lines.append((text[1:] if text.startswith(" ") else text).rstrip())
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
