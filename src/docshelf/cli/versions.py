"""Commands about versions: diff (docs between versions), changes (changelogs), news."""

from __future__ import annotations

import json

import click

from docshelf.cli.group import open_shelf
from docshelf.constants import PAGE_STATUSES


@click.command()
@click.argument("library")
@click.argument("from_version", required=False)
@click.argument("to_version", required=False)
@click.option("--page", help="Print this page's unified diff (a path from the summary).")
@click.option("--sections", is_flag=True, help="List changed sections (by heading path) too.")
@click.option("--path-prefix", default="", help="Only pages under this path.")
@click.option(
    "--status",
    multiple=True,
    type=click.Choice(PAGE_STATUSES),
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
    from docshelf.progress import RichReporter
    from docshelf.versions import compare as vd

    shelf = open_shelf(ctx)
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


@click.command()
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
    from docshelf.versions.npm_changelog import (
        changelog_json,
        format_changelog,
        get_changelog,
        package_name,
    )

    version = None if from_version or to_version or package_name(package)[1] else "latest"
    result = get_changelog(
        package,
        open_shelf(ctx).cache_dir,
        version=version,
        from_version=from_version,
        to_version=to_version,
        prereleases=True if prereleases else None,
    )
    click.echo(
        json.dumps(changelog_json(result), indent=2) if as_json else format_changelog(result)
    )


@click.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("--since", help="How far back: 14d, 36h, 2w, 3mo, or a date (2026-09-01).")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--lines", default=15, show_default=True, help="Changelog lines per release.")
@click.option("--prereleases", is_flag=True, help="Also list prereleases (canary, beta, rc).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def news(
    ctx: click.Context,
    packages: tuple[str, ...],
    since: str | None,
    limit: int,
    lines: int,
    prereleases: bool,
    as_json: bool,
) -> None:
    """Recent releases of npm packages, newest first, with their changelog notes.

    Publish dates and dist-tags come from the registry; prereleases are counted, and
    listed with --prereleases.

    A scope pattern such as 'npm:@mastra/*' stands for the packages the registry lists in
    that scope (or, when its search cannot answer, those you have added docs from).

    \b
    Examples:
      docshelf news npm:@mastra/core --since 14d
      docshelf news 'npm:@mastra/*' npm:@mastra/memory
    """
    from docshelf.versions.news import format_news, gather_news, news_json

    shelf = open_shelf(ctx)
    items = gather_news(
        packages,
        shelf.list_libraries(),
        shelf.cache_dir,
        since=since,
        limit=limit,
        prereleases=prereleases,
    )
    click.echo(json.dumps(news_json(items), indent=2) if as_json else format_news(items, lines))


COMMANDS = (diff, changes, news)
