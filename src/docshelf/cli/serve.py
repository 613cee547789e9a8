"""The serve command: docshelf's MCP server over stdio or HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docshelf.cli.group import open_shelf
from docshelf.constants import LOG_LEVELS, PROFILES


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
    from docshelf.settings import get_setting

    _configure_logging(log_level or get_setting("log_level"))
    from docshelf.server import serve as run_server  # the CLI's one door into the server

    shelf = open_shelf(ctx)
    shelf.list_libraries()  # a damaged index fails here, as one line, not in every tool call
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


def _configure_logging(level: str) -> None:
    """Logs on stderr only: stdout may be the MCP stdio transport."""
    import logging

    level = level.lower()  # one of LOG_LEVELS: the option's choices, or checked by settings
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("docshelf %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.CRITICAL + 1 if level == "none" else level.upper())
