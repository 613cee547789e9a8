"""The serve command: docshelf's MCP server over stdio or HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docshelf.cli.group import open_shelf
from docshelf.constants import LOG_LEVELS, PROFILES
from docshelf.settings import get_setting


@click.command()
@click.option("--log-level", type=click.Choice(LOG_LEVELS), default=None, help="Default: warning.")
@click.option(
    "--no-default",
    is_flag=True,
    help="Do not add the default library (the Mastra docs) when nothing is indexed.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="default",
    show_default=True,
    help="Tool surface: docshelf's tools, or a drop-in for @mastra/mcp-docs-server.",
)
@click.option("--library", "-l", default=None, help="Profile mastra: library to serve (mastra).")
@click.option("--http", "http", is_flag=True, help="Serve Streamable HTTP at /mcp, not stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP: address to bind.")
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="HTTP: port."
)
@click.option(
    "--token",
    default=None,
    help="HTTP: bearer token clients must send (default: DOCSHELF_TOKEN; needed off localhost).",
)
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Project the package tools read by default (default: this folder, if a project); "
    "over HTTP, the only one they read.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    log_level: str | None,
    no_default: bool,
    profile: str,
    library: str | None,
    http: bool,
    host: str,
    port: int,
    token: str | None,
    project: str | None,
) -> None:
    """Serve the docs to MCP clients over stdio, or over HTTP with --http.

    On first run, when nothing is indexed, it adds the Mastra docs from npm (once; offline
    after that) while already answering the client.

    \b
    Examples:
      docshelf serve                       # stdio, for one agent
      docshelf serve --profile mastra      # drop-in for npx @mastra/mcp-docs-server
      docshelf serve --http                # http://127.0.0.1:8765/mcp, this machine only
      DOCSHELF_TOKEN=... docshelf serve --http --host 0.0.0.0   # a team server
    """
    _configure_logging(log_level or get_setting("log_level"))
    from docshelf.server import serve as run_server  # the CLI's one door into the server

    shelf = open_shelf(ctx)
    indexed = shelf.list_libraries()  # a damaged index fails here, as one line
    try:
        if not http and sys.stdin.isatty():
            click.echo(welcome(first_run=not indexed and not no_default), err=True)
        run_server(
            shelf,
            profile=profile,
            library=library,
            add_default=not no_default,
            http=http,
            host=host,
            port=port,
            token=token,
            say=lambda line: click.echo(f"docshelf: {line}", err=True),
            project=Path(project) if project else None,
        )
    except KeyboardInterrupt:
        click.echo("docshelf: stopped (Ctrl-C).", err=True)
        sys.exit(130)


def welcome(*, first_run: bool) -> str:
    """What a person who runs `docshelf serve` in a terminal needs to know: it waits for
    an MCP client, which starts this very command itself once registered."""
    import json
    import shlex

    command = launch_command()
    exe, args = command[0], command[1:]
    shell = shlex.join(command)
    cursor = {"mcpServers": {"docshelf": {"command": exe, "args": args}}}
    vscode = {"servers": {"docshelf": {"type": "stdio", "command": exe, "args": args}}}
    lines = [
        "docshelf: serving MCP on stdio: waiting for a client to write JSON-RPC to stdin.",
        "An MCP client starts this command itself; register it once:",
        f"  Claude Code:  claude mcp add docshelf -- {shell}",
        f"  Cursor (~/.cursor/mcp.json):  {json.dumps(cursor)}",
        f"  VS Code (.vscode/mcp.json):   {json.dumps(vscode)}",
    ]
    if first_run:
        default = get_setting("default_source")
        lines.append(f"Nothing is indexed yet: the first session adds {default} (once).")
    lines.append("Press Ctrl-C to stop (Ctrl-D ends the input and stops too).")
    return "\n".join(lines)


def launch_command() -> list[str]:
    """This process's command line with absolute paths (the program and --home): what a
    client, started in another folder, should run."""
    import shutil
    from pathlib import Path

    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--home" and i + 1 < len(args):
            args[i + 1] = str(Path(args[i + 1]).expanduser().absolute())
        elif arg.startswith("--home="):
            args[i] = "--home=" + str(Path(arg.split("=", 1)[1]).expanduser().absolute())
    program = sys.argv[0]
    if Path(program).name == "__main__.py" or program.endswith(".py"):
        return [sys.executable, "-m", "docshelf", *args]
    found = shutil.which(program) or program
    return [str(Path(found).absolute()), *args]


def _configure_logging(level: str) -> None:
    """Logs on stderr only: stdout may be the MCP stdio transport."""
    import logging

    level = level.lower()  # one of LOG_LEVELS: the option's choices, or checked by settings
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("docshelf %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.CRITICAL + 1 if level == "none" else level.upper())
