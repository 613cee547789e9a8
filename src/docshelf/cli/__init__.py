"""Command-line adapter: `docshelf add|remove|list|search|read|serve|...` over the library.

The group and its options live here; the commands, one module per group of them:
`library` (add, remove, list, reindex, embed), `search` (search, read, eval), `serve`,
`versions` (diff, changes, news), `api` (a project's installed packages). Errors become
one line and an exit code in `group`.
Commands import what they act on when they run, so `docshelf --help` stays cheap.
"""

from __future__ import annotations

import click

from docshelf.cli import api, library, search, serve, versions
from docshelf.cli.group import DocshelfGroup, settings_epilog
from docshelf.constants import VERSION


@click.group(
    cls=DocshelfGroup, epilog=settings_epilog(), context_settings={"max_content_width": 100}
)
@click.version_option(VERSION, prog_name="docshelf")
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    help="Data directory (index and download cache). Default: DOCSHELF_HOME or the user data dir.",
)
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """Version-matched library docs for AI coding agents, over MCP."""
    ctx.obj = home


for _command in (
    *library.COMMANDS,
    *search.COMMANDS,
    serve.serve,
    *versions.COMMANDS,
    *api.COMMANDS,
):
    main.add_command(_command)
