"""The sync command: the docs of a project's direct dependencies, at their locked versions."""

from __future__ import annotations

import sys

import click

from docshelf.cli.group import open_shelf


@click.command()
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the plan (and where docs would come from).")
@click.option(
    "--only",
    multiple=True,
    metavar="PATTERN",
    help="Only these packages (shell patterns such as '@tanstack/*'; repeat for more).",
)
@click.option(
    "--exclude", multiple=True, metavar="PATTERN", help="Leave these packages out (repeatable)."
)
@click.option("--no-dev", is_flag=True, help="Leave development dependencies out.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_context
def sync(
    ctx: click.Context,
    project: str,
    dry_run: bool,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    no_dev: bool,
    quiet: bool,
) -> None:
    """Add the docs of each direct dependency of PROJECT (default: here) at the exact
    version its lockfile pins.

    It reads package-lock.json, pnpm-lock.yaml, yarn.lock or package.json, and uv.lock,
    poetry.lock, requirements*.txt or pyproject.toml. Versions already indexed are
    skipped; a dependency whose docs cannot be added is listed at the end, the rest go on.

    \b
    Examples:
      docshelf sync ./my-app --dry-run       # the plan: package, version, where docs come from
      docshelf sync ./my-app --exclude '@types/*' --no-dev
    """
    from docshelf.packages.sync import format_summary, plan_project, sync_project
    from docshelf.packages.sync_plan import format_plan
    from docshelf.progress import RichReporter

    shelf = open_shelf(ctx)
    plan = plan_project(shelf, project, only=only, exclude=exclude, dev=not no_dev, look_up=dry_run)
    click.echo(f"Project {plan.project}:")
    click.echo(format_plan(plan))
    if dry_run or not plan.to_add:
        return
    click.echo("")

    def starting(number: int, total: int, row: object) -> None:
        click.echo(f"[{number}/{total}] {getattr(row, 'spec', row)}", err=True)

    with RichReporter(quiet=quiet) as reporter:
        results = sync_project(shelf, plan, reporter, on_start=starting)
    click.echo("")
    click.echo(format_summary(results))
    if any(result.record is not None for result in results):
        from docshelf.cli.library import embed_vectors

        embed_vectors(shelf, None, quiet, units=("pages",))
    failed = [result for result in results if result.error]
    if failed:
        click.echo(
            f"docshelf: error: {len(failed)} of {len(plan.to_add)} dependencies could not be "
            "added (above, each with what to do); the others were. Fix one and run sync "
            "again: what is indexed is skipped.",
            err=True,
        )
        sys.exit(1)


COMMANDS = (sync,)
