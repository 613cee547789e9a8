"""Embedding speed: the first build of page vectors for a whole corpus, and section vectors.

Indexes `npm:@mastra/mcp-docs-server@1.2.27` (1,013 pages, 10,203 sections) once into
benchmarks/out/embed-home, then, per configuration, copies its index without vectors into
a scratch home and times `Shelf.build_vectors` end to end (tokenising, embedding, writing):
wall seconds, process CPU seconds (all threads; the load-independent cost) and, since a
busy machine stretches wall time, the idle estimate CPU / threads. The target is the page
vectors of this corpus in <= 30 s on 2 cores. Section vectors are timed on a sample
(`--sections N`, 0 for all) and extrapolated to the corpus.

Configurations: `--threads 1,2` (threads running batches side by side on the one session) and
`--page-tokens 96,128` (the length of text a page vector reads; docshelf ships 96).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import replace

os.environ["DOCSHELF_SEMANTIC"] = "off"  # the one-time `docshelf add` embeds nothing

from _common import OUT_DIR, copy_without_vectors, ensure_library, print_table, run_main, verdict
from docshelf.search import vectors
from docshelf.search.embed import PAGE_TOKENS
from docshelf.search.minilm import MiniLM
from docshelf.search.semantic import SemanticSearch
from docshelf.shelf import Shelf
from docshelf.store import db

SOURCE = "npm:@mastra/mcp-docs-server@1.2.27"
LIBRARY = "mastra"
HOME = OUT_DIR / "embed-home"
TARGET_S = 30.0


def load_model(threads: int) -> tuple[MiniLM, float]:
    started = time.perf_counter()
    model = MiniLM(threads=threads)
    return model, time.perf_counter() - started


def time_pages(model: MiniLM, tokens: int) -> tuple[int, float, float]:
    """(pages, wall s, CPU s) of a first page-vector build from scratch."""
    vectors._UNITS["pages"] = replace(vectors._UNITS["pages"], tokens=tokens)
    home = copy_without_vectors(HOME, "embed-scratch")
    with Shelf(home) as shelf:
        shelf.semantic = SemanticSearch(embedder=model)
        wall, cpu = time.perf_counter(), time.process_time()
        (build,) = shelf.build_vectors(library=LIBRARY, units=("pages",))
        return build.total, time.perf_counter() - wall, time.process_time() - cpu


def time_sections(model: MiniLM, sample: int) -> tuple[int, int, float, float]:
    """(sections embedded, sections in the corpus, wall s, CPU s) for a seeded sample of
    section texts, embedded as a build does (shortest first, in write batches)."""
    conn = db.connect(db.database_path(HOME))
    rows = conn.execute(
        "SELECT s.id, p.title, s.heading_path, s.text FROM sections s "
        "JOIN pages p ON p.id = s.page_id"
    ).fetchall()
    conn.close()
    units = vectors._UNITS["sections"]
    texts = [units.text(r) for r in rows]
    chosen = texts if not sample else random.Random(7).sample(texts, min(sample, len(texts)))
    chosen.sort(key=len)
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(chosen), vectors.WRITE_BATCH):
        model.embed(chosen[start : start + vectors.WRITE_BATCH], max_tokens=units.tokens)
    return len(chosen), len(texts), time.perf_counter() - wall, time.process_time() - cpu


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--page-tokens", default=f"{PAGE_TOKENS},128", help="comma-separated")
    parser.add_argument("--sections", type=int, default=400, help="sample size; 0 for all")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    ensure_library(HOME, SOURCE, LIBRARY)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{SOURCE} in {HOME}; {os.cpu_count()} cores, load average {load:.1f}\n")
    threads = [int(s) for s in args.threads.split(",")]
    lengths = [int(t) for t in args.page_tokens.split(",")]
    rows: list[list[object]] = []
    section_rows: list[list[object]] = []
    for count in threads:
        model, load_s = load_model(count)
        rows.append([f"model load, {count} thread(s)", "", load_s, "", "", ""])
        for tokens in lengths:
            for _ in range(args.repeat):
                pages, wall, cpu = time_pages(model, tokens)
                label = f"page vectors, {tokens} tokens, {count} thread(s)"
                rows.append([label, pages, wall, cpu, cpu / count, os.getloadavg()[0]])
        done, total, wall, cpu = time_sections(model, args.sections)
        scale = total / done
        section_rows.append(
            [
                f"section vectors, 128 tokens, {count} thread(s)",
                done,
                total,
                wall * scale,
                cpu * scale,
                cpu * scale / count,
                os.getloadavg()[0],
            ]
        )
    print_table(["first build", "pages", "wall s", "CPU s", "idle est. s", "load"], rows)
    print()
    print_table(
        ["sections (extrapolated)", "timed", "corpus", "wall s", "CPU s", "idle est. s", "load"],
        section_rows,
    )
    shipped = [r for r in rows if f"{PAGE_TOKENS} tokens, {max(threads)} thread" in str(r[0])]
    if shipped:
        estimate = min(float(r[4]) for r in shipped)
        print(
            f"\npage vectors as shipped ({PAGE_TOKENS} tokens, {max(threads)} threads), "
            f"idle estimate {estimate:.1f} s; target <= {TARGET_S:.0f} s: "
            f"{verdict(estimate, TARGET_S, False)} (measured wall depends on the load)"
        )


if __name__ == "__main__":
    run_main(main)
