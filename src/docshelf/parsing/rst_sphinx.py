"""Permissive stand-ins for Sphinx's directives and roles, so docutils reads Sphinx pages quietly.

docutils knows only standard reStructuredText; a Sphinx page is full of `toctree`,
`autoclass`, `versionadded`, `:func:` and extension directives it would report as errors
and drop. Each name a page uses that docutils does not know is registered here before the
page is parsed: directives keep their content as text (code as code), roles become their
text. Nothing here reads a file: includes become a note naming the file.
"""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, roles
from docutils.parsers.rst.languages import en

from docshelf.parsing.rst_roles import ROLE_RE, text_role

_NAME = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*"  # docutils' own `simplename`
DIRECTIVE_RE = re.compile(rf"^[ \t]*\.\.[ \t]+({_NAME})[ \t]?::", re.MULTILINE)


# Node classes are named in lower case like docutils' own: the class name is the tag name.
class toctree(nodes.Invisible, nodes.Element):
    """A Sphinx toctree: not shown as text, its entries kept in `entries`."""


class highlight(nodes.Invisible, nodes.Element):
    """`.. highlight:: LANG`: the language of the `::` literal blocks that follow."""


class labelled(nodes.General, nodes.Element):
    """A block shown with a bold label in front: "Note:", "Added in version 2.0:", a tab title."""


class _AnyOptions(dict[str, Any]):
    """An option spec that accepts every option, so Sphinx-only options are no errors."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __bool__(self) -> bool:
        return True


class _Base(Directive):
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    @property
    def argument(self) -> str:
        return " ".join(self.arguments).strip()

    def inline_paragraph(self, text: str) -> nodes.paragraph:
        """`text` (an argument that is really prose) with its inline markup parsed."""
        children, _messages = self.state.inline_text(text, self.lineno)
        return nodes.paragraph(text, "", *children)

    def parse_content(self, node: nodes.Element) -> nodes.Element:
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, node)
        return node


class Generic(_Base):
    """An unknown directive: its argument as a label, its content parsed as text."""

    hidden_argument = frozenset(
        {"only", "ifconfig", "grid", "tab-set", "tabs", "rst-class", "cssclass", "container"}
    )

    def run(self) -> list[nodes.Node]:
        label = "" if self.name in self.hidden_argument else self.argument
        return [self.parse_content(labelled(label=label, directive=self.name))]


class Labelled(_Base):
    """Sphinx's admonition-like directives with a fixed label (`seealso`, `todo`)."""

    labels: ClassVar[dict[str, str]] = {
        "seealso": "See also",
        "todo": "Todo",
        "centered": "",
        "hlist": "",
        "glossary": "",
        "sidebar": "",
    }

    def run(self) -> list[nodes.Node]:
        node = labelled(label=self.labels.get(self.name, self.name.title()), directive=self.name)
        if self.argument:  # `.. seealso:: text` puts its text on the first line
            node += self.inline_paragraph(self.argument)
        return [self.parse_content(node)]


class VersionChange(_Base):
    """versionadded / versionchanged / deprecated / versionremoved: "Added in version 2.0: ..."."""

    texts: ClassVar[dict[str, str]] = {
        "versionadded": "Added in version {}",
        "versionchanged": "Changed in version {}",
        "deprecated": "Deprecated since version {}",
        "versionremoved": "Removed in version {}",
        "deprecated-removed": "Deprecated since version {}, removed in version {}",
    }

    def run(self) -> list[nodes.Node]:
        text = self.texts.get(self.name, "Changed in version {}")
        count = text.count("{}")
        parts = self.argument.split(None, count)
        versions = parts[:count] + [""] * (count - len(parts[:count]))
        node = labelled(label=text.format(*versions).strip(), directive=self.name)
        if len(parts) > count:
            node += self.inline_paragraph(parts[count])
        return [self.parse_content(node)]


class Code(_Base):
    """code-block / sourcecode / code: the content kept whole as code in its language."""

    languages: ClassVar[dict[str, str]] = {
        "doctest": "pycon",
        "testcode": "python",
        "testsetup": "python",
        "testcleanup": "python",
        "testoutput": "text",
        "ipython": "ipython",
        "jupyter-execute": "python",
        "code-cell": "python",
        "productionlist": "text",
        "mermaid": "mermaid",
        "graphviz": "dot",
        "graph": "dot",
        "digraph": "dot",
        "plot": "python",
        "prompt": "console",
        "click:example": "python",
        "click:run": "python",
    }

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        language = self.languages.get(self.name, self.argument.split(" ")[0].lower())
        if self.name in ("graph", "digraph") and self.argument:
            code = f"{self.name} {self.argument} {{\n{code}\n}}"
        block = nodes.literal_block(code, code, language=language)
        caption = self.options.get("caption")
        if not caption:
            return [block]
        return [nodes.paragraph(caption, "", nodes.emphasis(caption, caption)), block]


class FileNote(_Base):
    """literalinclude / include: never read; a note names the file instead."""

    def run(self) -> list[nodes.Node]:
        what = "Code from" if self.name == "literalinclude" else "Included from"
        target = self.argument
        return [
            nodes.paragraph(
                "", "", nodes.emphasis(what, what), nodes.Text(" "), nodes.literal(target, target)
            )
        ]


class Toctree(_Base):
    optional_arguments = 0

    def run(self) -> list[nodes.Node]:
        entries = []
        for line in self.content:
            entry = line.strip()
            match = re.fullmatch(r"(?s).*?<(.+)>", entry)
            target = (match.group(1) if match else entry).strip()
            if target and target != "self" and "://" not in target:
                entries.append(target)
        return [toctree(entries=entries, glob="glob" in self.options)]


class Highlight(_Base):
    has_content = False

    def run(self) -> list[nodes.Node]:
        return [highlight(language=self.argument.split(" ")[0].lower())]


class Drop(_Base):
    """Directives that only steer Sphinx (index entries, module context, authorship)."""

    def run(self) -> list[nodes.Node]:
        if self.name.split(":")[-1] == "currentmodule":
            _set_module(self, self.argument)
        return []


def _set_module(directive: Directive, module: str) -> None:
    """Remember the current Python module, which qualifies the names autodoc markers show."""
    directive.state.document["docshelf_module"] = "" if module == "None" else module


def _qualified(directive: Directive, name: str) -> str:
    module = directive.state.document.get("docshelf_module", "")
    return f"{module}.{name}" if module and "." not in name and name else name


class Api(_Base):
    """autodoc and friends: a one-line "API: name" marker, since the docstrings live in code."""

    def run(self) -> list[nodes.Node]:
        if self.name == "automodule" and self.argument:
            _set_module(self, self.argument)
        names = [self.argument] if self.argument else []
        if self.name == "autosummary":
            names += [line.strip() for line in self.content if line.strip()]
            names = [n for n in names if not n.startswith(":")]
        names = [_qualified(self, n.split("(")[0].strip()) for n in names]
        shown = ", ".join(names) or self.name
        para = nodes.paragraph("", "", nodes.Text("API: "), nodes.literal(shown, shown))
        if self.name == "autosummary" or not self.content:
            return [para]
        return [para, self.parse_content(labelled(label="", directive=self.name))]


_CSS_CLASSES = re.compile(r"[a-z][a-z0-9-]*(?:[ \t]+[a-z][a-z0-9-]*)*")


class Describe(_Base):
    """A described object (`py:function`, `class`, `option`): its signature as code, then text."""

    def run(self) -> list[nodes.Node]:
        signatures = [s.strip() for s in self.argument.split("\n") if s.strip()]
        node = labelled(label="", directive=self.name)
        if self.name == "class" and _CSS_CLASSES.fullmatch(self.argument):
            # docutils' own `.. class:: note-box` sets CSS classes; Sphinx's documents a
            # Python class, whose name is capitalised, dotted or called.
            return [self.parse_content(node)] if self.content else []
        prefix = self.name.split(":")[-1]
        if prefix == "module" and self.argument:
            _set_module(self, self.argument)
        for signature in signatures or [self.name]:
            shown = (
                f"{prefix} {signature}"
                if prefix in ("class", "exception", "module")
                else (signature)
            )
            node += nodes.paragraph("", "", nodes.literal(shown, shown))
        return [self.parse_content(node)]


_KINDS: dict[str, type[Directive]] = {
    **dict.fromkeys(("code", "code-block", "sourcecode", "code-tab", *Code.languages), Code),
    **dict.fromkeys(("literalinclude", "include"), FileNote),
    **dict.fromkeys(VersionChange.texts, VersionChange),
    **dict.fromkeys(Labelled.labels, Labelled),
    "toctree": Toctree,
    "highlight": Highlight,
    "highlightlang": Highlight,
    **dict.fromkeys(
        (
            "index",
            "currentmodule",
            "py:currentmodule",
            "default-domain",
            "sectionauthor",
            "moduleauthor",
            "codeauthor",
            "tabularcolumns",
            "todolist",
            "program",
            "raw",
        ),
        Drop,
    ),
    **dict.fromkeys(
        (
            "automodule",
            "autoclass",
            "autoexception",
            "autofunction",
            "automethod",
            "autoattribute",
            "autoproperty",
            "autodata",
            "autodecorator",
            "autosummary",
            "autoprogram",
            "autopydantic_model",
            "autoapimodule",
            "click",
        ),
        Api,
    ),
    **dict.fromkeys(
        (
            "function",
            "class",
            "method",
            "staticmethod",
            "classmethod",
            "attribute",
            "property",
            "data",
            "exception",
            "decorator",
            "module",
            "describe",
            "object",
            "option",
            "cmdoption",
            "envvar",
            "confval",
        ),
        Describe,
    ),
}

_lock = threading.Lock()
_dummy_document: nodes.document | None = None


def _document() -> nodes.document:
    global _dummy_document
    if _dummy_document is None:
        settings = get_default_settings(Parser)
        settings.report_level = 5
        settings.halt_level = 5
        settings.warning_stream = False
        _dummy_document = utils.new_document("<lookup>", settings)
    return _dummy_document


def _knows_directive(name: str) -> bool:
    found, _messages = directives.directive(name, en, _document())
    return found is not None


def _knows_role(name: str) -> bool:
    found, _messages = roles.role(name, en, 0, _document().reporter)
    return found is not None


def prepare_names(text: str) -> None:
    """Register a stand-in for each directive and role `text` uses that docutils lacks.

    Registration is global to docutils and done once per name; names docutils implements
    itself keep their meaning, except the few Sphinx redefines (code, include, index).
    """
    directive_names = {m.group(1).lower() for m in DIRECTIVE_RE.finditer(text)}
    role_names = {(m.group(1) or m.group(2)).lower() for m in ROLE_RE.finditer(text)}
    with _lock:
        for name in directive_names:
            kind = _KINDS.get(name)
            if kind is not None:
                directives.register_directive(name, kind)
            elif not _knows_directive(name):
                directives.register_directive(name, _fallback_kind(name))
        for name in role_names:
            if name in ("index", "i") or not _knows_role(name):
                roles.register_local_role(name, text_role)


def _fallback_kind(name: str) -> type[Directive]:
    if ":" in name:
        domain, _, kind = name.partition(":")
        if kind in Code.languages or name in Code.languages:
            return Code
        if kind.startswith("auto"):
            return Api
        if domain in ("py", "js", "c", "cpp", "rst", "std", "http", "mat", "rb", "php"):
            return Describe
    if name.startswith("auto"):
        return Api
    return Generic
