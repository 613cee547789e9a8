"""Sphinx's roles as the text a reader sees: `:func:`~a.b`` is `b` in code, `:ref:` its title.

docutils knows only standard roles; each Sphinx role a page uses is registered (by
`rst_sphinx.prepare_names`) as `text_role`, which shows cross-references and markup roles
as their visible text.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes, utils

_NAME = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*"  # docutils' own `simplename`
ROLE_RE = re.compile(rf"(?<![\w`\\]):({_NAME}):(?=`)|(?<=`):({_NAME}):")

# Code roles show as `code`; every other unknown role shows as its plain text.
_CODE_ROLES = frozenset(
    "class func meth attr obj mod data exc const type member var macro struct enum "
    "enumerator union function option envvar command program kbd file samp makevar "
    "regexp mailheader any property decorator method attribute exception module "
    "confval directive role".split()
)


def text_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """A Sphinx cross-reference or markup role, shown as the text a reader would see."""
    shown = _role_text(utils.unescape(text))
    kind = name.lower().split(":")[-1]
    if kind in _CODE_ROLES:
        return [nodes.literal(rawtext, shown)], []
    if kind == "menuselection":
        shown = shown.replace("-->", "›")
    if kind == "guilabel":
        shown = shown.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return [nodes.inline(rawtext, shown)], []


def _role_text(text: str) -> str:
    """`Title <target>` -> Title; `~a.b.c` -> c; `!name` -> name."""
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]*)>", text)
    if match and match.group(1).strip():
        return " ".join(match.group(1).split())
    target = match.group(2) if match else text
    target = target.strip().lstrip("!")
    if target.startswith("/"):  # a :doc: path from the docs root
        target = target[1:]
    if target.startswith("~"):
        target = target[1:].rsplit(".", 1)[-1]
    return target
