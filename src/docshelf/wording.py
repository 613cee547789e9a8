"""How a message names what to do next, in the words of the interface that shows it.

The core says what to do as parts of a message: `Call("read", paths=[Blank("path")])` is
"read this page", `Param("since", "90d")` is "this parameter, with this value". A voice
renders them: the command line's as a command (`docshelf read PATH`, `--since 90d`), the
MCP server's as a tool call (`read_docs(paths=[<path>])`, `since="90d"`); an operation
with no tool is a command for the agent's shell. Each adapter sets its voice around the
work it runs (`speaking`); an error keeps its parts and is phrased when it is shown.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Blank:
    """A value the reader fills in: PATH on the command line, <path> in a tool call."""

    name: str


@dataclass(frozen=True, init=False)
class Call:
    """An operation to run next, with its arguments (None ones are left out)."""

    op: str
    args: tuple[tuple[str, object], ...]

    def __init__(self, op: str, **args: object) -> None:
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "args", tuple((k, v) for k, v in args.items() if v is not None))


@dataclass(frozen=True)
class Param:
    """One parameter of the request being answered, with a value or (None) by name only."""

    name: str
    value: object = None


Part = str | Call | Param


class Voice(Protocol):
    def call(self, call: Call) -> str: ...
    def param(self, param: Param) -> str: ...


@dataclass(frozen=True)
class Command:
    """A CLI command: its words, its arguments in order, and its flags by parameter name.

    An argument is a parameter name or a template over several (`npm:{package}@{version}`),
    alternatives separated by '|', the first whose fields are all given winning; a list
    value repeats the argument once per item.
    """

    words: str
    arguments: tuple[str, ...] = ()
    flags: Mapping[str, str] = field(default_factory=dict)


# Parameter names are the tools' (what the core's functions take); tests/test_wording.py
# checks every command, argument and flag here against the CLI's click commands.
COMMANDS: dict[str, Command] = {
    "add": Command(
        "docshelf add",
        ("source",),
        {"name": "--name", "docs_root": "--docs-root", "docs_from": "--from"},
    ),
    "list": Command("docshelf list"),
    "search": Command(
        "docshelf search",
        ("query",),
        {"library": "--library", "path_prefix": "--path-prefix", "limit": "--limit"},
    ),
    "ask": Command(
        "docshelf ask",
        ("query",),
        {"library": "--library", "max_tokens": "--max-tokens", "cursor": "--cursor"},
    ),
    "read": Command(
        "docshelf read",
        ("paths",),
        {
            "library": "--library",
            "section": "--section",
            "max_tokens": "--max-tokens",
            "offset": "--offset",
        },
    ),
    "embed": Command("docshelf embed", (), {"library": "--library"}),
    "reindex": Command("docshelf reindex"),
    "diff": Command(
        "docshelf diff",
        ("library", "from_version", "to_version"),
        {"path": "--page", "path_prefix": "--path-prefix"},
    ),
    "changes": Command(
        "docshelf changes",
        ("npm:{package}@{version}|npm:{package}",),
        {"from_version": "--from", "to_version": "--to", "prereleases": "--prereleases"},
    ),
    "news": Command(
        "docshelf news",
        ("npm:{packages}",),
        {"since": "--since", "limit": "--limit", "include_prereleases": "--prereleases"},
    ),
    "packages": Command("docshelf api", (), {"project_path": "--project", "offset": "--offset"}),
    "exports": Command(
        "docshelf api",
        ("package",),
        {"project_path": "--project", "filter": "--filter", "offset": "--offset"},
    ),
    "export": Command(
        "docshelf api",
        ("package", "name"),
        {
            "project_path": "--project",
            "include_source": "--source",
            "readme": "--readme",
            "offset": "--offset",
        },
    ),
}
# A parameter named alone (`Param("library")`): its flag on any command that has it.
FLAGS: dict[str, str] = {k: v for c in COMMANDS.values() for k, v in c.flags.items()}
FLAGS.update({"from_version": "--from", "to_version": "--to", "mode": "--mode"})


class ShellVoice:
    """The command line's words: `docshelf read PATH --library mastra`, `--since 90d`."""

    def call(self, call: Call) -> str:
        command = COMMANDS[call.op]
        args = dict(call.args)
        words = [command.words]
        for argument in command.arguments:
            words += _argument(argument, args)
        for name, value in call.args:
            if name in command.flags:
                words += _flag(command.flags[name], value)
        return " ".join(w for w in words if w)

    def param(self, param: Param) -> str:
        flag = FLAGS.get(param.name)
        if flag is None:  # a positional argument: its value (or its name) is what to write
            return _shell_value(param.value if param.value is not None else Blank(param.name))
        if param.value is None:
            return flag
        return " ".join(_flag(flag, param.value))


def _argument(template: str, args: dict[str, object]) -> list[str]:
    for choice in template.split("|"):
        names = _fields(choice)
        if all(args.get(n) is not None for n in names):
            lists = [n for n in names if isinstance(args[n], list | tuple)]
            if lists:  # one argument per item of the (one) list
                items = args[lists[0]]
                assert isinstance(items, list | tuple)
                return [_fill(choice, {**args, lists[0]: item}) for item in items]
            return [_fill(choice, args)]
    return []


def _fields(template: str) -> list[str]:
    if "{" not in template:
        return [template]
    return [part.split("}", 1)[0] for part in template.split("{")[1:]]


def _fill(template: str, args: dict[str, object]) -> str:
    if "{" not in template:
        return _shell_value(args[template])
    text = template
    blanks = False
    for name in _fields(template):
        value = args[name]
        blanks = blanks or isinstance(value, Blank)
        shown = value.name.upper() if isinstance(value, Blank) else str(value)
        text = text.replace("{" + name + "}", shown)
    return text if blanks else shlex.quote(text)


def _flag(flag: str, value: object) -> list[str]:
    if value is True:
        return [flag]
    if value is False:
        return []
    return [flag, _shell_value(value)]


def _shell_value(value: object) -> str:
    if isinstance(value, Blank):
        return value.name.upper()
    if isinstance(value, list | tuple):
        return " ".join(_shell_value(v) for v in value)
    return shlex.quote(str(value))


@dataclass(frozen=True)
class Tool:
    """An MCP tool that does an operation: its name and the parameters it takes."""

    name: str
    params: frozenset[str]


class ToolVoice:
    """An MCP server's words: `read_docs(paths=[<path>], library="mastra")`, `since="90d"`.

    An operation with no tool here is a command for the agent to run in a shell. `names`
    renames parameters for tools that spell them otherwise (`from_version` -> `fromVersion`).
    """

    def __init__(self, tools: Mapping[str, Tool], names: Mapping[str, str] | None = None) -> None:
        self.tools = dict(tools)
        self.names = dict(names or {})

    def call(self, call: Call) -> str:
        tool = self.tools.get(call.op)
        if tool is None:
            return SHELL.call(call)
        shown = [
            f"{self.names.get(k, k)}={_json_value(v)}" for k, v in call.args if k in tool.params
        ]
        return f"{tool.name}({', '.join(shown)})"

    def param(self, param: Param) -> str:
        name = self.names.get(param.name, param.name)
        return name if param.value is None else f"{name}={_json_value(param.value)}"


def _json_value(value: object) -> str:
    if isinstance(value, Blank):
        return f"<{value.name}>"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


SHELL = ShellVoice()
_voice: ContextVar[Voice] = ContextVar("docshelf_voice", default=SHELL)


@contextmanager
def speaking(voice: Voice) -> Iterator[Voice]:
    """Phrase every message made or shown inside this block in `voice`."""
    token = _voice.set(voice)
    try:
        yield voice
    finally:
        _voice.reset(token)


def say(*parts: Part) -> str:
    """The message in the current voice; calls and parameters in backticks."""
    voice = _voice.get()
    out = []
    for part in parts:
        if isinstance(part, Call):
            out.append(f"`{voice.call(part)}`")
        elif isinstance(part, Param):
            out.append(f"`{voice.param(part)}`")
        else:
            out.append(part)
    return "".join(out)
