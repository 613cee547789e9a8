"""A docutils doctree written out as markdown: headings from section nesting, code fenced whole."""

from __future__ import annotations

import re

from docutils import nodes

from docshelf.parsing.rst_sphinx import highlight, labelled, toctree

# Lines a markdown reader would take for a heading, a fence or a setext underline.
_MARKDOWN_SIGNIFICANT = re.compile(r"^(?=#{1,6}(?:\s|$)|`{3,}|~{3,}|=+\s*$|-+\s*$)")
_SKIPPED = (
    nodes.comment,
    nodes.substitution_definition,
    nodes.target,
    nodes.pending,
    nodes.system_message,
    nodes.meta,
    nodes.decoration,
    nodes.raw,
    nodes.image,
    nodes.Invisible,
)
_CODE_CLASSES = {"code", "literal-block", "parsed-literal"}


def fence(code: str, language: str = "") -> str:
    """`code` as one fenced block, the fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    marker = "`" * max(3, longest + 1)
    return f"{marker}{language}\n{code.rstrip()}\n{marker}"


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def _hang(marker: str, body: str) -> str:
    """A list item: the marker before the first line, the rest indented under it."""
    first, _, rest = body.partition("\n")
    return marker + first + ("\n" + _indent(rest, len(marker)) if rest else "")


def _escape_lines(text: str) -> str:
    return "\n".join(_MARKDOWN_SIGNIFICANT.sub("\\\\", line) for line in text.split("\n"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


class MarkdownWriter:
    """Walks one doctree; `title` and `toctree` are filled in as a side effect of `write`."""

    def __init__(self) -> None:
        self.title = ""
        self.toctree: list[str] = []
        self.language = ""  # set by `.. highlight::`, used by plain `::` blocks

    def write(self, document: nodes.document) -> str:
        blocks: list[str] = []
        depth = 0
        for child in document.children:
            if isinstance(child, nodes.title):
                self.title = _one_line(child.astext())
                blocks.append(f"# {self.inline(child)}")
                depth = 1
            elif isinstance(child, nodes.subtitle):
                blocks.append(f"*{_one_line(self.inline(child))}*")
        for child in document.children:
            if not isinstance(child, nodes.title | nodes.subtitle):
                blocks += self.block(child, depth)
        return "\n\n".join(b for b in blocks if b.strip()) + "\n"

    # -- blocks ------------------------------------------------------------------------

    def blocks(self, parent: nodes.Node, depth: int) -> list[str]:
        found: list[str] = []
        for child in parent.children:
            found += self.block(child, depth)
        return [b for b in found if b.strip()]

    def block(self, node: nodes.Node, depth: int) -> list[str]:
        if isinstance(node, toctree):
            self.toctree += node.get("entries", [])
            return []
        if isinstance(node, highlight):
            self.language = node.get("language", "")
            return []
        if isinstance(node, _SKIPPED):
            return []
        if isinstance(node, nodes.Text):
            return [_escape_lines(node.astext())]
        if isinstance(node, nodes.section):
            return self.section(node, depth + 1)
        if isinstance(node, nodes.paragraph):
            return [_escape_lines(self.inline(node))]
        if isinstance(node, nodes.literal_block):
            return [fence(node.astext(), self.code_language(node))]
        if isinstance(node, nodes.doctest_block):
            return [fence(node.astext(), "pycon")]
        if isinstance(node, nodes.math_block):
            return [fence(node.astext(), "math")]
        if isinstance(node, nodes.bullet_list):
            return [self.items(node, lambda _: "- ", depth)]
        if isinstance(node, nodes.enumerated_list):
            start = int(node.get("start", 1))
            return [self.items(node, lambda i: f"{start + i}. ", depth)]
        if isinstance(node, nodes.definition_list):
            return [self.definitions(node, depth)]
        if isinstance(node, nodes.field_list | nodes.docinfo):
            return [self.fields(node, depth)]
        if isinstance(node, nodes.option_list):
            return [self.options(node, depth)]
        if isinstance(node, nodes.table):
            return self.table(node)
        if isinstance(node, labelled):
            return self.labelled(node.get("label", ""), self.blocks(node, depth))
        if isinstance(node, nodes.Admonition):
            return self.admonition(node, depth)
        if isinstance(node, nodes.topic | nodes.sidebar):
            if "contents" in node.get("classes", []):
                return []  # a generated table of contents repeats the headings
            return self.titled(node, depth)
        if isinstance(node, nodes.rubric | nodes.caption):
            return [f"**{_one_line(self.inline(node))}**"]
        if isinstance(node, nodes.line_block):
            return ["\n".join(self.lines(node))]
        if isinstance(node, nodes.footnote | nodes.citation):
            return self.note(node, depth)
        if isinstance(node, nodes.attribution):
            return [f"— {self.inline(node)}"]
        if isinstance(node, nodes.transition):
            return ["* * *"]
        if isinstance(node, nodes.Bibliographic):
            return [f"**{node.tagname.title()}:** {_one_line(self.inline(node))}"]
        if isinstance(node, nodes.TextElement):
            return [_escape_lines(self.inline(node))]
        return self.blocks(node, depth)

    def section(self, node: nodes.section, level: int) -> list[str]:
        heading = ""
        if node.children and isinstance(node[0], nodes.title):
            heading = _one_line(self.inline(node[0]))
        found = [f"{'#' * min(level, 6)} {heading}"] if heading else []
        for child in node.children[1 if heading else 0 :]:
            found += self.block(child, level)
        return found

    def code_language(self, node: nodes.literal_block) -> str:
        language = node.get("language")
        if isinstance(language, str) and language:
            return "" if language in ("default", "none") else language
        classes = [c for c in node.get("classes", []) if c not in _CODE_CLASSES]
        if classes:
            return classes[0]
        return "" if "parsed-literal" in node.get("classes", []) else self.language

    def items(self, node: nodes.Element, marker_for, depth: int) -> str:  # type: ignore[no-untyped-def]
        items = []
        loose = False
        for i, item in enumerate(c for c in node.children if isinstance(c, nodes.list_item)):
            body = self.blocks(item, depth)
            loose = loose or len(body) > 1
            items.append(_hang(marker_for(i), "\n\n".join(body)))
        return ("\n\n" if loose else "\n").join(items)

    def definitions(self, node: nodes.definition_list, depth: int) -> str:
        entries = []
        for item in node.children:
            terms = [_one_line(self.inline(c)) for c in item.children if isinstance(c, nodes.term)]
            classifiers = [
                _one_line(self.inline(c)) for c in item.children if isinstance(c, nodes.classifier)
            ]
            head = " / ".join(f"**{t}**" for t in terms if t)
            if classifiers:
                head += " : " + " : ".join(classifiers)
            body = []
            for child in item.children:
                if isinstance(child, nodes.definition):
                    body += self.blocks(child, depth)
            entries.append(head + ("\n" + _indent("\n\n".join(body), 2) if body else ""))
        return "\n\n".join(entries)

    def fields(self, node: nodes.Element, depth: int) -> str:
        rows = []
        for field in node.children:
            if isinstance(field, nodes.field):
                name = _one_line(self.inline(field[0]))
                body = self.blocks(field[1], depth) if len(field) > 1 else []
            elif isinstance(field, nodes.Element):
                name = field.tagname.title()
                body = (
                    [self.inline(field)]
                    if isinstance(field, nodes.TextElement)
                    else (self.blocks(field, depth))
                )
            else:
                continue
            rows.append(_hang("- ", f"**{name}:** " + "\n\n".join(body)))
        return "\n".join(rows)

    def options(self, node: nodes.option_list, depth: int) -> str:
        rows = []
        for item in node.children:
            groups = [c for c in item.children if isinstance(c, nodes.option_group)]
            spelled = ", ".join(o.astext() for g in groups for o in g.children)
            body = []
            for child in item.children:
                if isinstance(child, nodes.description):
                    body += self.blocks(child, depth)
            rows.append(_hang("- ", f"`{spelled}`: " + "\n\n".join(body)))
        return "\n".join(rows)

    def admonition(self, node: nodes.Element, depth: int) -> list[str]:
        label = node.tagname.title()
        children = list(node.children)
        if children and isinstance(children[0], nodes.title):  # `.. admonition:: Title`
            label = _one_line(self.inline(children[0]))
            children = children[1:]
        body: list[str] = []
        for child in children:
            body += self.block(child, depth)
        return self.labelled(label, [b for b in body if b.strip()])

    @staticmethod
    def labelled(label: str, body: list[str]) -> list[str]:
        if not label:
            return body
        strong = f"**{label.rstrip(':')}:**"
        if body and not body[0].startswith(("```", "- ", "|", "**", "#")):
            return [f"{strong} {body[0]}", *body[1:]]
        return [strong, *body]

    def titled(self, node: nodes.Element, depth: int) -> list[str]:
        found: list[str] = []
        for child in node.children:
            if isinstance(child, nodes.title):
                found.append(f"**{_one_line(self.inline(child))}**")
            else:
                found += self.block(child, depth)
        return found

    def note(self, node: nodes.Element, depth: int) -> list[str]:
        label = ""
        body: list[str] = []
        for child in node.children:
            if isinstance(child, nodes.label):
                label = child.astext()
            else:
                body += self.block(child, depth)
        return self.labelled(f"[{label}]" if label else "", body)

    def lines(self, node: nodes.line_block, indent: int = 0) -> list[str]:
        found = []
        for child in node.children:
            if isinstance(child, nodes.line_block):
                found += self.lines(child, indent + 2)
            else:
                found.append(" " * indent + _escape_lines(self.inline(child)))
        return found

    def table(self, node: nodes.table) -> list[str]:
        found = []
        for child in node.children:
            if isinstance(child, nodes.title):
                found.append(f"**{_one_line(self.inline(child))}**")
            elif isinstance(child, nodes.tgroup):
                found.append(self.tgroup(child))
        return found

    def tgroup(self, node: nodes.tgroup) -> str:
        cols = int(node.get("cols", 0)) or 1
        head: list[list[str]] = []
        body: list[list[str]] = []
        spans: dict[int, int] = {}  # column -> rows still covered by a cell above
        for part in node.children:
            if not isinstance(part, nodes.thead | nodes.tbody):
                continue
            for row in part.children:
                cells = self.row(row, cols, spans)
                (head if isinstance(part, nodes.thead) else body).append(cells)
        header = [" / ".join(c for c in column if c) for column in zip(*head, strict=True)]
        lines = ["| " + " | ".join(header or [""] * cols) + " |", "|" + " --- |" * cols]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines)

    def row(self, row: nodes.Element, cols: int, spans: dict[int, int]) -> list[str]:
        cells: list[str] = []
        entries = iter(c for c in row.children if isinstance(c, nodes.entry))
        while len(cells) < cols:
            column = len(cells)
            if spans.get(column, 0) > 0:
                spans[column] -= 1
                cells.append("")
                continue
            entry = next(entries, None)
            if entry is None:
                cells.append("")
                continue
            text = " ".join(_one_line(b) for b in self.blocks(entry, 0))
            cells.append(text.replace("|", "\\|"))
            morecols = int(entry.get("morecols", 0))
            cells += [""] * morecols
            rows_below = int(entry.get("morerows", 0))
            if rows_below:
                for covered in range(column, column + 1 + morecols):
                    spans[covered] = rows_below
        return cells[:cols]

    # -- inline ------------------------------------------------------------------------

    def inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return node.astext()
        if isinstance(node, nodes.system_message | nodes.image | nodes.raw | nodes.comment):
            return ""
        if isinstance(node, nodes.footnote_reference | nodes.citation_reference):
            return f"[{node.astext()}]"
        text = "".join(self.inline(child) for child in node.children)
        if isinstance(node, nodes.literal | nodes.title_reference):
            return _code_span(node.astext())
        if isinstance(node, nodes.strong):
            return f"**{text}**" if text.strip() else text
        if isinstance(node, nodes.emphasis):
            return f"*{text}*" if text.strip() else text
        if isinstance(node, nodes.math):
            return f"${node.astext()}$"
        if isinstance(node, nodes.reference):
            uri = node.get("refuri", "")
            external = isinstance(uri, str) and uri.startswith(("http://", "https://"))
            if external and text.strip() and _one_line(text) != uri:
                return f"[{text}]({uri})"
        return text


def _code_span(text: str) -> str:
    if "`" not in text:
        return f"`{text}`"
    longest = max(len(run) for run in re.findall(r"`+", text))
    ticks = "`" * (longest + 1)
    return f"{ticks} {text} {ticks}"
