"""Command-line adapter: `docshelf add|remove|list|search|read|serve|reindex|diff|changes|news`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, NoReturn

import click

from docshelf import __version__
from docshelf.errors import DocshelfError
from docshelf.settings import SETTINGS

if TYPE_CHECKING:
    from docshelf.shelf import Shelf

LOG_LEVELS = ("debug", "info", "warning", "error", "none")


def _settings_epilog() -> str:
    lines = ["Environment:"]
    for s in SETTINGS:
        lines.append(f"  {s.env[0]:<24} {s.help}")
    return "\b\n" + "\n".join(lines)


class _Group(click.Group):
    """Turns a DocshelfError into one line on stderr and exit code 1: the one conversion point."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DocshelfError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("Interrupted; the index is unchanged (a partial add is rolled back).", code=130)


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"docshelf: error: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Group, epilog=_settings_epilog(), context_settings={"max_content_width": 100})
@click.version_option(__version__, prog_name="docshelf")
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="DOCSHELF_HOME",
    help="Data directory (index and download cache). Default: DOCSHELF_HOME or the user data dir.",
)
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """Version-matched library docs for AI coding agents, over MCP."""
    ctx.obj = home


def _shelf(ctx: click.Context) -> Shelf:
    from docshelf.shelf import Shelf

    shelf = Shelf(ctx.obj)
    ctx.call_on_close(shelf.close)
    return shelf


@main.command()
@click.argument("source")
@click.option("--name", help="Library name (default: derived from the source).")
@click.option("--docs-root", help="Folder inside the package that holds the docs.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_context
def add(
    ctx: click.Context, source: str, name: str | None, docs_root: str | None, quiet: bool
) -> None:
    """Add (or re-index) a library: npm:NAME[@VERSION], pypi:NAME[SPECIFIER] or a folder of docs.

    \b
    Examples:
      docshelf add npm:@mastra/mcp-docs-server@1.1.45 --name mastra
      docshelf add pypi:click==8.1.7
      docshelf add ./my-project/docs --name myproj
    """
    from docshelf.progress import RichReporter

    shelf = _shelf(ctx)
    with RichReporter(quiet=quiet) as reporter:
        record = shelf.add_library(source, name=name, docs_root=docs_root, reporter=reporter)
    click.echo(
        f"Added {record.ref}: {record.pages} pages, {record.sections} sections ({record.source})"
    )
    _embed(shelf, record.ref, quiet)


def _embed(shelf: Shelf, library: str | None, quiet: bool, *, required: bool = False) -> None:
    """Build missing vectors with a progress bar; without the extra, say so once."""
    from docshelf.progress import RichReporter

    if not shelf.semantic.available and not required:
        if shelf.semantic.enabled:
            click.echo(shelf.semantic.status(), err=True)
        return
    with RichReporter(quiet=quiet) as reporter:
        builds = shelf.build_vectors(reporter.embed, library=library)
    for build in builds:
        if build.embedded or build.reused:
            click.echo(
                f"Embedded {build.ref} for semantic search: {build.embedded} sections embedded, "
                f"{build.reused} reused, {build.seconds:.1f} s"
            )


@main.command()
@click.argument("library")
@click.pass_context
def remove(ctx: click.Context, library: str) -> None:
    """Remove a library (every version) or one version: LIB or LIB@VERSION."""
    removed = _shelf(ctx).remove_library(library)
    for record in removed:
        click.echo(f"Removed {record.ref}")


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List indexed libraries and their versions."""
    libraries = _shelf(ctx).list_libraries()
    if as_json:
        data = [
            {"name": lib.name, "versions": [asdict(v) for v in lib.versions]} for lib in libraries
        ]
        click.echo(json.dumps(data, indent=2))
        return
    if not libraries:
        click.echo(
            "No libraries yet. Add one: docshelf add npm:@mastra/mcp-docs-server --name mastra"
        )
        return
    for lib in libraries:
        for i, v in enumerate(lib.versions):
            label = lib.name if i == 0 else ""
            click.echo(f"{label:<16} {v.version:<14} {v.pages:>5} pages  {v.source}")


@main.command()
@click.argument("query", required=False)
@click.option("--library", "-l", help="Library name or NAME@VERSION (default: all).")
@click.option("--path-prefix", default="", help="Only pages under this path.")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--mode",
    type=click.Choice(["auto", "fulltext", "semantic", "hybrid"]),
    default="auto",
    show_default=True,
    help="auto: hybrid once vectors are built, else full text.",
)
@click.option(
    "--queries",
    type=click.File("r"),
    help="JSON lines with a field 'q' ('-' for stdin); prints one JSON line per query.",
)
@click.pass_context
def search(
    ctx: click.Context,
    query: str | None,
    library: str | None,
    path_prefix: str,
    limit: int,
    as_json: bool,
    mode: Any,
    queries: Any,
) -> None:
    """Search the docs: ranked pages with their best section and a snippet."""
    shelf = _shelf(ctx)
    if queries is not None:
        for n, line in enumerate(queries, 1):
            if not line.strip():
                continue
            try:
                q = json.loads(line)["q"]
            except (ValueError, KeyError, TypeError):
                _fail(f"line {n} of {queries.name} is not a JSON object with a field 'q'.")
            hits = shelf.search(q, library=library, path_prefix=path_prefix, limit=limit, mode=mode)
            click.echo(json.dumps({"q": q, "hits": [_hit_json(h) for h in hits]}))
        return
    if query is None:
        _fail("give a QUERY or --queries FILE, e.g. docshelf search 'configure memory'.")
    hits = shelf.search(query, library=library, path_prefix=path_prefix, limit=limit, mode=mode)
    if as_json:
        click.echo(json.dumps([asdict(h) for h in hits], indent=2))
        return
    from docshelf.server import format_hits

    click.echo(format_hits(query, hits))


def _hit_json(hit: Any) -> dict[str, Any]:
    return {k: getattr(hit, k) for k in ("path", "title", "heading", "score", "snippet")}


@main.command()
@click.option("--library", "-l", help="Only this library (or NAME@VERSION); default: all.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def embed(ctx: click.Context, library: str | None, quiet: bool) -> None:
    """Build the vectors for semantic search (only sections not embedded yet).

    `add` does this itself once `pip install 'docshelf[semantic]'` is done; run it for
    libraries added before, or let `serve` do it in the background.
    """
    shelf = _shelf(ctx)
    _embed(shelf, library, quiet, required=True)
    click.echo(shelf.semantic.status())


@main.command("eval")
@click.argument("queries", type=click.File("r"))
@click.option("--library", "-l", required=True, help="Library name or NAME@VERSION to search.")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(10, 50))
@click.option("--verbose", "-v", is_flag=True, help="Also each query's first relevant rank.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def eval_(
    ctx: click.Context, queries: Any, library: str, limit: int, verbose: bool, quiet: bool
) -> None:
    """Measure search on judged queries: recall@1/5/10, MRR@10, nDCG@10 per mode.

    QUERIES is JSON lines, {"q": "question", "rel": ["page/path", ...]}; prints full text,
    semantic and hybrid side by side (vectors are built first if missing).

    \b
    Example:
      docshelf eval my-queries.jsonl --library mastra
    """
    from docshelf.evaluation import evaluate, format_per_query, format_report, load_queries

    judged = load_queries(queries.read(), queries.name)
    shelf = _shelf(ctx)
    if shelf.semantic.available:
        _embed(shelf, library, quiet)
    report = evaluate(shelf, judged, library=library, limit=limit)
    click.echo(format_report(report, source=queries.name))
    if verbose:
        click.echo(format_per_query(report))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--library", "-l", help="Library name or NAME@VERSION.")
@click.option("--section", "-s", help="Only sections whose heading matches this.")
@click.option("--max-tokens", type=click.IntRange(1), help="Cap the answer to about this size.")
@click.pass_context
def read(
    ctx: click.Context,
    paths: tuple[str, ...],
    library: str | None,
    section: str | None,
    max_tokens: int | None,
) -> None:
    """Read pages by path ('.md' optional); a directory gives its index or listing."""
    results = _shelf(ctx).read(list(paths), library=library, section=section, max_tokens=max_tokens)
    if len(results) == 1:
        click.echo(results[0].text)
    else:
        from docshelf.server import format_reads

        click.echo(format_reads(results))
    if any(r.is_error for r in results):
        sys.exit(1)


@main.command()
@click.option("--log-level", type=click.Choice(LOG_LEVELS), default=None, help="Default: warning.")
@click.option(
    "--no-default",
    is_flag=True,
    help="Do not add the default library (the Mastra docs) when nothing is indexed.",
)
@click.option(
    "--profile",
    type=click.Choice(["default", "mastra"]),
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
    from docshelf.server import build_server

    shelf = _shelf(ctx)
    shelf.list_libraries()  # a damaged index fails here, as one line, not in every tool call
    server = build_server(shelf, add_default=not no_default, profile=profile, library=library)
    if not http:
        server.run("stdio")
        return
    from docshelf.http import HttpOptions, serve_http

    options = HttpOptions.from_settings(host, port, token)
    serve_http(server, shelf, options, say=lambda line: click.echo(f"docshelf: {line}", err=True))


@main.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_context
def reindex(ctx: click.Context, quiet: bool) -> None:
    """Rebuild the index from the recorded sources (fixes a damaged or outdated index)."""
    from docshelf.progress import RichReporter

    shelf = _shelf(ctx)
    with RichReporter(quiet=quiet) as reporter:
        rebuilt = shelf.reindex(reporter=reporter)
    for record in rebuilt:
        click.echo(f"Re-indexed {record.ref}: {record.pages} pages")
    if rebuilt:
        _embed(shelf, None, quiet)
    if not rebuilt:
        click.echo("Nothing recorded to re-index; add libraries with `docshelf add`.")


@main.command()
@click.argument("library")
@click.argument("from_version", required=False)
@click.argument("to_version", required=False)
@click.option("--page", help="Print this page's unified diff (a path from the summary).")
@click.option("--sections", is_flag=True, help="List changed sections (by heading path) too.")
@click.option("--path-prefix", default="", help="Only pages under this path.")
@click.option(
    "--status",
    multiple=True,
    type=click.Choice(["added", "removed", "renamed", "modified"]),
    help="Only pages with this change (repeatable).",
)
@click.option("--no-fetch", is_flag=True, help="Do not fetch a version that is not indexed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_context
def diff(
    ctx: click.Context,
    library: str,
    from_version: str | None,
    to_version: str | None,
    page: str | None,
    sections: bool,
    path_prefix: str,
    status: tuple[str, ...],
    no_fetch: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Show what changed in a library's docs between two versions.

    Pages added (A), removed (D), renamed (R) and modified (M) with +/- line counts, in
    path order. FROM and TO default to the two newest indexed versions; a version that is
    not indexed is fetched from npm and indexed.

    \b
    Examples:
      docshelf diff mastra 1.1.45 1.2.27
      docshelf diff mastra 1.1.45 1.2.27 --sections --path-prefix reference/agents
      docshelf diff mastra 1.1.45 1.2.27 --page reference/agents/agent
    """
    from docshelf import version_diff as vd
    from docshelf.progress import RichReporter

    shelf = _shelf(ctx)
    fetch = not no_fetch
    with RichReporter(quiet=quiet) as reporter:
        if page is not None:
            found = vd.diff_page(
                shelf, library, page, from_version, to_version, fetch=fetch, reporter=reporter
            )
        else:
            result = vd.diff_versions(
                shelf, library, from_version, to_version, fetch=fetch, reporter=reporter
            )
    if page is not None:
        if as_json:
            data = {"path": found.path, "old_path": found.old_path, "status": found.status}
            click.echo(json.dumps({**data, "diff": found.unified}, indent=2))
        elif sections:
            click.echo("\n".join(vd.section_line(s).strip() for s in found.sections))
        else:
            same = f"Page {found.path} is the same in {found.old.ref} and {found.new.ref}."
            click.echo(found.unified.rstrip("\n") if found.unified else same)
        return
    selected = vd.filter_changes(result.diff, path_prefix=path_prefix, statuses=status)
    if as_json:
        click.echo(json.dumps(vd.diff_json(result, selected), indent=2))
    else:
        click.echo(vd.format_listing(result, selected, sections=sections))


@main.command()
@click.argument("package")
@click.option("--from", "from_version", help="The version you have (excluded).")
@click.option("--to", "to_version", help="The version you go to (included; default: latest).")
@click.option("--prereleases", is_flag=True, help="List prerelease entries a release repeats.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def changes(
    ctx: click.Context,
    package: str,
    from_version: str | None,
    to_version: str | None,
    prereleases: bool,
    as_json: bool,
) -> None:
    """Print an npm package's changelog between two versions (or one version's entry).

    Read from the CHANGELOG.md in the package's tarball; --from is excluded, --to
    (default: the latest release) included.

    \b
    Examples:
      docshelf changes npm:@mastra/core --from 1.25.0 --to 1.26.0
      docshelf changes npm:@mastra/core@1.26.0     # one version's entry
    """
    from docshelf.changes import changelog_json, format_changelog, get_changelog, package_name

    version = None if from_version or to_version or package_name(package)[1] else "latest"
    result = get_changelog(
        package,
        _shelf(ctx).cache_dir,
        version=version,
        from_version=from_version,
        to_version=to_version,
        prereleases=True if prereleases else None,
    )
    click.echo(
        json.dumps(changelog_json(result), indent=2) if as_json else format_changelog(result)
    )


@main.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("--since", help="How far back: 14d, 36h, 2w, 3mo, or a date (2026-09-01).")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--lines", default=15, show_default=True, help="Changelog lines per release.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def news(
    ctx: click.Context,
    packages: tuple[str, ...],
    since: str | None,
    limit: int,
    lines: int,
    as_json: bool,
) -> None:
    """Recent releases of npm packages, newest first, with their changelog notes.

    Publish dates and dist-tags come from the registry.

    A scope pattern such as 'npm:@mastra/*' stands for the packages of that scope you
    have added docs from.

    \b
    Examples:
      docshelf news npm:@mastra/core --since 14d
      docshelf news 'npm:@mastra/*' npm:@mastra/memory
    """
    from docshelf.news import format_news, gather_news, news_json

    shelf = _shelf(ctx)
    items = gather_news(packages, shelf.list_libraries(), shelf.cache_dir, since=since, limit=limit)
    click.echo(json.dumps(news_json(items), indent=2) if as_json else format_news(items, lines))


def _configure_logging(level: str) -> None:
    import logging

    level = level.lower()
    if level not in LOG_LEVELS:
        _fail(f"unknown log level {level!r}; use one of {', '.join(LOG_LEVELS)}.")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("docshelf %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.CRITICAL + 1 if level == "none" else level.upper())
