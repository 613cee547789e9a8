"""The api command: the packages a project has installed, their exports, one export in full."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from docshelf.cli.group import open_shelf


@click.command()
@click.argument("package", required=False)
@click.argument("name", required=False)
@click.option(
    "--project",
    "-p",
    default=".",
    show_default=True,
    help="Project folder, virtualenv, site-packages folder or Python interpreter.",
)
@click.option("--filter", "-f", "filter_", help="Only exports whose name contains this.")
@click.option("--source", is_flag=True, help="With NAME: add the code that defines it.")
@click.option("--readme", is_flag=True, help="Show the package's README instead of its exports.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (whole, not in parts).")
@click.option(
    "--max-tokens", type=click.IntRange(1), help="Print one part of about this many tokens."
)
@click.option("--offset", type=click.IntRange(0), default=0, help="Which part (see the note).")
@click.pass_context
def api(
    ctx: click.Context,
    package: str | None,
    name: str | None,
    project: str,
    filter_: str | None,
    source: bool,
    readme: bool,
    as_json: bool,
    max_tokens: int | None,
    offset: int,
) -> None:
    """Show the API a project has installed: its packages, a package's exports, or one
    export in full (signature, parsed docs, members, linked docs pages).

    Python packages are read statically with griffe (never imported); npm packages from
    their package.json exports and .d.ts files.

    \b
    Examples:
      docshelf api                          # installed npm packages and Python distributions
      docshelf api httpx                    # httpx's public names
      docshelf api httpx Client --source    # one, with its code
      docshelf api @mastra/core Agent --project ~/app
    """
    from docshelf.packages import api as packages_api
    from docshelf.packages import api_answers
    from docshelf.packages.project import open_project

    found = open_project(project, run_interpreter=True)
    shelf = open_shelf(ctx)
    cache_dir = shelf.cache_dir / "api"
    budget = {"max_tokens": max_tokens or 10**9, "offset": offset}
    if package is None:
        listing = packages_api.list_packages(found)
        if as_json:
            click.echo(json.dumps([asdict(p) for p in listing.packages], indent=2))
            return
        click.echo(api_answers.packages_answer(listing, **budget).text)
        return
    if name is None and not readme:
        exports = packages_api.list_exports(found, package, filter_, cache_dir=cache_dir)
        if as_json:
            click.echo(json.dumps(asdict(exports), indent=2))
            return
        click.echo(api_answers.exports_answer(exports, filter_, **budget).text)
        return
    docs = shelf if shelf.db_path.exists() else None
    detail = packages_api.get_export(
        found,
        package,
        None if readme else name,
        include_source=source,
        cache_dir=cache_dir,
        shelf=docs,
    )
    if as_json:
        click.echo(json.dumps(asdict(detail), indent=2))
        return
    click.echo(api_answers.export_answer(detail, **budget).text)


COMMANDS = (api,)
