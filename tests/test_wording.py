"""Messages speak their interface: commands and flags on the CLI, tools and parameters to an
agent; the tables behind that match the real commands and tools."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from mcp import Client

from docshelf.cli import main
from docshelf.errors import LibraryNotFoundError, NothingIndexedError
from docshelf.server import build_server
from docshelf.server.profiles.mastra import MASTRA_VOICE
from docshelf.server.tooling import TOOLS_VOICE
from docshelf.wording import (
    COMMANDS,
    FLAGS,
    SHELL,
    Blank,
    Call,
    Param,
    Tool,
    ToolVoice,
    say,
    speaking,
)

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "docshelf"


def test_a_call_is_a_command_line_in_the_shell_and_a_tool_call_for_an_agent():
    read = Call("read", paths=[Blank("path")], library="mastra")
    assert say(read) == "`docshelf read PATH --library mastra`"
    with speaking(TOOLS_VOICE):
        assert say(read) == '`read_docs(paths=[<path>], library="mastra")`'


def test_a_parameter_is_a_flag_in_the_shell_and_an_argument_for_an_agent():
    assert say(Param("since", "90d"), " ", Param("library")) == "`--since 90d` `--library`"
    with speaking(TOOLS_VOICE):
        assert say(Param("since", "90d"), " ", Param("library")) == '`since="90d"` `library`'


def test_an_operation_with_no_tool_is_a_command_for_the_agents_shell():
    with speaking(TOOLS_VOICE):
        assert say(Call("add", source="npm:zod", name="zod")) == "`docshelf add npm:zod --name zod`"


def test_command_line_values_are_quoted_and_templates_fill_in():
    assert SHELL.call(Call("search", query="memory for agents", limit=3)) == (
        "docshelf search 'memory for agents' --limit 3"
    )
    assert SHELL.call(Call("changes", package="@acme/core", version="1.2.0")) == (
        "docshelf changes npm:@acme/core@1.2.0"
    )
    assert SHELL.call(Call("changes", package="@acme/core", from_version="1.0.0")) == (
        "docshelf changes npm:@acme/core --from 1.0.0"
    )
    assert SHELL.call(Call("news", packages=["a", "@b/c"], include_prereleases=True)) == (
        "docshelf news npm:a npm:@b/c --prereleases"
    )


def test_a_profile_voice_renames_parameters_and_drops_those_its_tool_lacks():
    voice = ToolVoice({"read": Tool("readDocs", frozenset({"paths"}))}, {"paths": "where"})
    assert voice.call(Call("read", paths=["a"], library="x")) == 'readDocs(where=["a"])'
    assert voice.param(Param("paths", ["a"])) == 'where=["a"]'


def test_errors_are_phrased_when_shown_in_the_voice_of_whoever_shows_them():
    error = LibraryNotFoundError("mastra", ["1.1.45"], "1.0.0", "npm:@mastra/mcp-docs-server")
    shell = str(error)
    with speaking(TOOLS_VOICE):
        agent = str(error)
    assert "`docshelf add npm:@mastra/mcp-docs-server@1.0.0 --name mastra`" in shell
    assert shell == agent  # adding is a shell command for both
    unknown = LibraryNotFoundError("nope", ["mastra"])
    with speaking(TOOLS_VOICE):
        assert "`list_libraries()`" in str(unknown)
    assert "`docshelf list`" in str(unknown)
    assert "`docshelf add npm:@mastra/mcp-docs-server --name mastra`" in str(NothingIndexedError())


# ---------------------------------------------------------------- the tables are true


def command_params(name: str) -> dict[str, click.Parameter]:
    command = main.commands[name]
    return {p.name: p for p in command.params if p.name}


@pytest.mark.parametrize("op", sorted(COMMANDS))
def test_every_shell_command_and_flag_exists_on_the_cli(op):
    command = COMMANDS[op]
    words = command.words.split()
    assert words[0] == "docshelf" and words[1] in main.commands
    params = command_params(words[1])
    options = {opt for p in params.values() for opt in p.opts}
    assert set(command.flags.values()) <= options
    arguments = [p for p in params.values() if isinstance(p, click.Argument)]
    assert len(command.arguments) <= len(arguments)


def test_every_flag_a_parameter_may_be_named_by_exists_on_some_command():
    options = {
        opt for name in main.commands for p in command_params(name).values() for opt in p.opts
    }
    assert set(FLAGS.values()) <= options


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.parametrize(("profile", "voice"), [("default", TOOLS_VOICE), ("mastra", MASTRA_VOICE)])
async def test_every_tool_a_voice_names_exists_with_those_parameters(shelf, profile, voice):
    async with Client(build_server(shelf, profile=profile)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for op, tool in voice.tools.items():
        assert tool.name in tools, op
        declared = set(tools[tool.name].input_schema.get("properties", {}))
        assert {voice.names.get(p, p) for p in tool.params} <= declared, tool.name


# ---------------------------------------------------------------- no interface words in the core

SHARED = [
    path
    for path in sorted(PACKAGE.rglob("*.py"))
    if path.relative_to(PACKAGE).parts[0] not in ("server", "cli", "guides", "packages")
    and path.relative_to(PACKAGE).as_posix() not in ("wording.py", "versions/answers.py")
]
INTERFACE_WORDS = re.compile(
    r"\b[a-z]+_docs\(|\blist_libraries\b|get_changelog\(|whats_new\("
    r"|\b(?:library|since|from_version|to_version|max_tokens|section|paths|offset)="
    r"|docshelf (?:diff|read|search|changes|news)\b"
)


def message_strings(file: Path) -> list[tuple[int, str]]:
    """Every string literal (f-string parts too) that is not a docstring."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_modules_both_interfaces_use_name_commands_and_tools_only_through_wording():
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text[:80]!r}"
        for path in SHARED
        for line, text in message_strings(path)
        if INTERFACE_WORDS.search(text)
    ]
    assert found == []
