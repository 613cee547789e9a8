"""Commands that search and read: search, ask, read, eval."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

import click

from docshelf.cli.group import fail, open_shelf
from docshelf.cli.library import embed_vectors
from docshelf.constants import PAGE_KINDS, SEARCH_MODES

_KIND = click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(PAGE_KINDS),
    help="Only pages of this kind (repeat for several).",
)


@click.command()
@click.argument("query", required=False)
@click.option("--library", "-l", help="Library name or NAME@VERSION (default: all).")
@click.option("--path-prefix", default="", help="Only pages under this path.")
@_KIND
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--mode",
    type=click.Choice(SEARCH_MODES),
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
    kinds: tuple[str, ...],
    limit: int,
    as_json: bool,
    mode: Any,
    queries: Any,
) -> None:
    """Search the docs: ranked pages with their best section and a snippet."""
    shelf = open_shelf(ctx)
    if queries is not None:
        for n, line in enumerate(queries, 1):
            if not line.strip():
                continue
            try:
                q = json.loads(line)["q"]
            except (ValueError, KeyError, TypeError):
                fail(f"line {n} of {queries.name} is not a JSON object with a field 'q'.")
            found = shelf.search_results(
                q, library=library, path_prefix=path_prefix, kind=kinds, limit=limit, mode=mode
            )
            line = {"q": q, "mode": found.mode, "note": found.note}
            click.echo(json.dumps({**line, "hits": [_hit_json(h) for h in found.hits]}))
        return
    if query is None:
        fail("give a QUERY or --queries FILE, e.g. docshelf search 'configure memory'.")
    found = shelf.search_results(
        query, library=library, path_prefix=path_prefix, kind=kinds, limit=limit, mode=mode
    )
    if as_json:
        data = {"query": query, "mode": found.mode, "note": found.note}
        click.echo(json.dumps({**data, "hits": [asdict(h) for h in found.hits]}, indent=2))
        return
    from docshelf.reading.answers import format_hits

    click.echo(format_hits(query, found.hits, found.note))


def _hit_json(hit: Any) -> dict[str, Any]:
    return {k: getattr(hit, k) for k in ("path", "title", "kind", "heading", "score", "snippet")}


@click.command()
@click.argument("query")
@click.option("--library", "-l", help="Library name or NAME@VERSION (default: all).")
@click.option(
    "--max-tokens",
    default=2000,
    show_default=True,
    type=click.IntRange(1, 20_000),
    help="About how many tokens of docs to print.",
)
@click.option("--cursor", help="The cursor a previous answer printed, for the next excerpts.")
@_KIND
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def ask(
    ctx: click.Context,
    query: str,
    library: str | None,
    max_tokens: int,
    cursor: str | None,
    kinds: tuple[str, ...],
    as_json: bool,
) -> None:
    """Print the docs that answer a question: the best sections, packed to --max-tokens.

    \b
    Example:
      docshelf ask "add memory to an agent" --library mastra
    """
    found = open_shelf(ctx).ask(
        query, library=library, max_tokens=max_tokens, cursor=cursor, kind=kinds
    )
    if as_json:
        click.echo(json.dumps(asdict(found), indent=2))
        return
    from docshelf.reading.answers import format_answer

    click.echo(format_answer(found, library))


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--library", "-l", help="Library name or NAME@VERSION.")
@click.option("--section", "-s", help="Only sections whose heading matches this.")
@click.option("--max-tokens", type=click.IntRange(1), help="Cap the answer to about this size.")
@click.option(
    "--offset", type=click.IntRange(0), default=0, help="Read on from where a cut page said."
)
@click.pass_context
def read(
    ctx: click.Context,
    paths: tuple[str, ...],
    library: str | None,
    section: str | None,
    max_tokens: int | None,
    offset: int,
) -> None:
    """Read pages by path ('.md' optional); a directory gives its index or listing."""
    results = open_shelf(ctx).read(
        list(paths), library=library, section=section, max_tokens=max_tokens, offset=offset
    )
    if len(results) == 1:
        click.echo(results[0].text)
    else:
        from docshelf.reading.answers import format_reads

        click.echo(format_reads(results))
    if any(r.is_error for r in results):
        sys.exit(1)


@click.command("eval")
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
    shelf = open_shelf(ctx)
    if shelf.semantic.available:
        embed_vectors(shelf, library, quiet)
    report = evaluate(shelf, judged, library=library, limit=limit)
    click.echo(format_report(report, source=queries.name))
    if verbose:
        click.echo(format_per_query(report))


COMMANDS = (search, ask, read, eval_)
