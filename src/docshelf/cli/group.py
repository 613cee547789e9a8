"""The CLI's plumbing: the group that turns a DocshelfError into one line on stderr and an
exit code (the one conversion point), and the shelf a command works on."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from docshelf.errors import DocshelfError
from docshelf.settings import SETTINGS
from docshelf.wording import SHELL, speaking

if TYPE_CHECKING:
    from docshelf.shelf import Shelf


class DocshelfGroup(click.Group):
    """Turns a DocshelfError into one line on stderr and exit code 1: the one conversion
    point; every message a command shows speaks the command line's words."""

    def invoke(self, ctx: click.Context) -> Any:
        with speaking(SHELL):  # messages name commands and flags: `docshelf read PATH`
            try:
                return super().invoke(ctx)
            except DocshelfError as exc:
                fail(str(exc))
            except KeyboardInterrupt:
                fail(
                    "Interrupted; the index is unchanged (a partial add is rolled back).",
                    code=130,
                )


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `docshelf: error: MESSAGE` on stderr and exit with `code`."""
    click.echo(f"docshelf: error: {message}", err=True)
    sys.exit(code)


def open_shelf(ctx: click.Context) -> Shelf:
    """The shelf at --home (or DOCSHELF_HOME), closed when the command ends."""
    from docshelf.shelf import Shelf

    shelf = Shelf(ctx.find_root().obj)
    ctx.call_on_close(shelf.close)
    return shelf


def settings_epilog() -> str:
    """The settings table as the help's closing section."""
    lines = ["Environment:"]
    for s in SETTINGS:
        lines.append(f"  {s.env[0]:<24} {s.help}")
    return "\b\n" + "\n".join(lines)
