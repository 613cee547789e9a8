"""Commands that manage the index: add, remove, list, reindex, embed."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from docshelf.cli.group import open_shelf
from docshelf.constants import DOCS_FROM

if TYPE_CHECKING:
    from docshelf.models import LibraryVersion
    from docshelf.search.vector_tables import Unit
    from docshelf.shelf import Shelf


@click.command()
@click.argument("source")
@click.option("--name", help="Library name (default: derived from the source).")
@click.option("--docs-root", help="Folder inside the package or repository that holds the docs.")
@click.option(
    "--from",
    "docs_from",
    type=click.Choice(DOCS_FROM),
    help="npm:/pypi: only: take the docs from the package's own files (tarball), from its "
    "repository at the release's tag (repo), or from the docs website its metadata names "
    "(site: PyPI's Documentation link, else its homepage; npm's homepage). Default: the "
    "package's docs folder, else its repository, else its README with a warning.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_context
def add(
    ctx: click.Context,
    source: str,
    name: str | None,
    docs_root: str | None,
    docs_from: str | None,
    quiet: bool,
) -> None:
    """Add (or re-index) a library: npm:NAME[@VERSION], pypi:NAME[SPECIFIER], git:URL[@REF],
    github:OWNER/REPO[@REF], gitlab:GROUP/REPO[@REF], a website https://... or a folder of docs.

    \b
    Examples:
      docshelf add npm:@mastra/mcp-docs-server@1.1.45 --name mastra
      docshelf add npm:zod@4.1.12           # no docs in the package: its repository's
      docshelf add npm:zod@4.1.12 --from site   # the website its homepage names
      docshelf add pypi:click==8.1.7
      docshelf add github:vitejs/vite@v8.2.2
      docshelf add git:/path/to/repo.git@v1.2.0
      docshelf add https://vite.dev/guide/ --name vite
      docshelf add ./my-project/docs --name myproj
    """
    from docshelf.progress import RichReporter

    shelf = open_shelf(ctx)
    with RichReporter(quiet=quiet) as reporter:
        record = shelf.add_library(
            source, name=name, docs_root=docs_root, docs_from=docs_from, reporter=reporter
        )
    if record.origin:
        pages = "1 page" if record.pages == 1 else f"{record.pages} pages"
        click.echo(f"{record.ref}: {record.origin} ({pages})", err=True)
    click.echo(
        f"Added {record.ref}: {record.pages} pages, {record.sections} sections ({record.source})"
    )
    echo_skipped(record)
    # Page vectors only: seconds, and enough for hybrid search. Sections take minutes.
    embed_vectors(shelf, record.ref, quiet, units=("pages",))
    if shelf.semantic.available and shelf.semantic.sections:
        click.echo(
            "Section vectors (better answers deep inside long pages) take longer: run "
            "`docshelf embed`, or let `docshelf serve` build them in the background."
        )


def echo_skipped(record: LibraryVersion) -> None:
    """Name every file indexing left out, with the reason (never a silent drop)."""
    if not record.skipped:
        return
    count = len(record.skipped)
    click.echo(f"Skipped {count} file{'s' if count != 1 else ''} of {record.ref}:")
    for skip in record.skipped:
        click.echo(f"  {skip.path}: {skip.reason}")


def embed_vectors(
    shelf: Shelf,
    library: str | None,
    quiet: bool,
    *,
    units: tuple[Unit, ...] | None = None,
    required: bool = False,
) -> None:
    """Build missing vectors with progress bars; when semantic search cannot run, say so
    once per data directory until that changes (or fail, when `required`)."""
    from docshelf.progress import RichReporter

    notice = shelf.semantic_notice()  # also records "on", so a later "off" is said again
    if not shelf.semantic.available and not required:
        if notice:
            click.echo(notice, err=True)
        return
    with RichReporter(quiet=quiet) as reporter:
        builds = shelf.build_vectors(
            lambda unit, done, total: reporter.embed(done, total, unit),
            library=library,
            units=units,
        )
    for build in builds:
        if build.embedded or build.reused:
            click.echo(
                f"Embedded the {build.unit} of {build.ref} for semantic search: "
                f"{build.embedded} embedded, {build.reused} reused, {build.seconds:.1f} s"
            )


@click.command()
@click.argument("library")
@click.pass_context
def remove(ctx: click.Context, library: str) -> None:
    """Remove a library (every version) or one version: LIB or LIB@VERSION."""
    removed = open_shelf(ctx).remove_library(library)
    for record in removed:
        click.echo(f"Removed {record.ref}")


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List indexed libraries and their versions, and how they are searched."""
    shelf = open_shelf(ctx)
    libraries = shelf.list_libraries()
    kinds = shelf.page_kinds() if libraries else {}
    if as_json:
        data = [
            {"name": lib.name, "versions": [_version_json(v, kinds) for v in lib.versions]}
            for lib in libraries
        ]
        click.echo(json.dumps(data, indent=2))
        return
    if not libraries:
        click.echo(
            "No libraries yet. Add one: docshelf add npm:@mastra/mcp-docs-server --name mastra"
        )
        return
    from docshelf.reading.answers import kind_summary

    for lib in libraries:
        for i, v in enumerate(lib.versions):
            label = lib.name if i == 0 else ""
            origin = f"  ({v.origin})" if v.origin else ""
            click.echo(f"{label:<16} {v.version:<14} {v.pages:>5} pages  {v.source}{origin}")
            if (lib.name, v.version) in kinds:
                click.echo(f"{'':<16} {'':<14} {kind_summary(kinds[(lib.name, v.version)])}")
    search = shelf.search_status()
    if search:
        click.echo(search)


def _version_json(
    version: LibraryVersion, kinds: dict[tuple[str, str], dict[str, int]]
) -> dict[str, object]:
    data = asdict(version)
    del data["skipped"]  # only indexing knows what it skipped; the index does not keep it
    data["kinds"] = kinds.get((version.name, version.version), {})
    return data


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_context
def reindex(ctx: click.Context, quiet: bool) -> None:
    """Rebuild the index from the recorded sources (fixes a damaged or outdated index)."""
    from docshelf.progress import RichReporter

    shelf = open_shelf(ctx)
    with RichReporter(quiet=quiet) as reporter:
        rebuilt = shelf.reindex(reporter=reporter)
    for record in rebuilt:
        click.echo(f"Re-indexed {record.ref}: {record.pages} pages")
        echo_skipped(record)
    if rebuilt:
        embed_vectors(shelf, None, quiet, units=("pages",))
    if not rebuilt:
        click.echo("Nothing recorded to re-index; add libraries with `docshelf add`.")


@click.command()
@click.option("--library", "-l", help="Only this library (or NAME@VERSION); default: all.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def embed(ctx: click.Context, library: str | None, quiet: bool) -> None:
    """Build the vectors for semantic search (only what is not embedded yet).

    Page vectors first (`add` builds those itself), then section vectors unless
    DOCSHELF_SECTION_VECTORS=off; `serve` does the same in the background.
    """
    shelf = open_shelf(ctx)
    embed_vectors(shelf, library, quiet, required=True)
    click.echo(shelf.search_status(library))


COMMANDS = (add, remove, list_, reindex, embed)
