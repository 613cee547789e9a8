"""npm package specs: names, versions, ranges and tags."""

from __future__ import annotations

import re

import pytest

from docshelf.errors import UsageError
from docshelf.sources.npm_spec import NpmSpec, parse_npm_spec

# --- specs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "wanted"),
    [
        ("npm:lodash", "lodash", None),
        ("lodash", "lodash", None),
        ("npm:lodash@4.17.21", "lodash", "4.17.21"),
        ("npm:@mastra/mcp-docs-server@1.1.45", "@mastra/mcp-docs-server", "1.1.45"),
        ("@mastra/mcp-docs-server", "@mastra/mcp-docs-server", None),
        ("@types/node@^20", "@types/node", "^20"),
        ("npm:react@next", "react", "next"),
        ("npm:x@>=1.2 <2", "x", ">=1.2 <2"),
        ("  npm:JSONStream@1.3.5  ", "JSONStream", "1.3.5"),
    ],
)
def test_parse_npm_spec_reads_names_versions_ranges_and_tags(
    text: str, name: str, wanted: str | None
) -> None:
    assert parse_npm_spec(text) == NpmSpec(name, wanted)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "npm:",
        "npm:.hidden",
        "npm:_private",
        "npm:has space",
        "npm:@scope",
        "npm:@scope/",
        "npm:@/name",
        "npm:../../etc",
        "npm:a/b",
        "npm:node_modules",
        "npm:lodash@",
        "npm:" + "a" * 215,
    ],
)
def test_parse_npm_spec_rejects_bad_names_with_an_example(text: str) -> None:
    with pytest.raises(UsageError, match=re.escape("npm:@mastra/mcp-docs-server@1.1.45")):
        parse_npm_spec(text)


def test_hand_built_spec_with_a_bad_name_is_refused() -> None:
    with pytest.raises(UsageError, match="Bad npm package name"):
        NpmSpec("../escape")


def test_spec_prints_back_as_npm_source() -> None:
    assert str(NpmSpec("@a/b", "^1")) == "npm:@a/b@^1"
    assert str(NpmSpec("lodash")) == "npm:lodash"
