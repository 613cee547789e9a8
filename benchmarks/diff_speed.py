"""Time `diff_docs` on two docs corpora: synthetic 800 -> 1000 pages, or two folders you name.

python benchmarks/diff_speed.py                      # synthetic, the usual release shape
python benchmarks/diff_speed.py --restructure        # synthetic, every page moved
python benchmarks/diff_speed.py OLD_DIR NEW_DIR      # real corpora: folders of .md files
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from pathlib import Path

from docshelf.versions.docs_diff import diff_docs, format_diff_summary

WORDS = (
    "the a to of and is in for you it with that this on can be your as an by or use from "
    "agent tool memory workflow step model stream token prompt schema vector store index "
    "query server client request response error retry config option default value type "
    "function method class return await async import export module package version"
).split() + [f"{a}{b}" for a in ("re", "pre", "un", "sub", "multi") for b in range(400)]
ZIPF = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))


def words(rng: random.Random, count: int) -> str:
    """Prose with a Zipf-like spread: a few words everywhere, most words rare."""
    return " ".join(rng.choices(WORDS, cum_weights=ZIPF, k=count))


def build_page(rng: random.Random, title: str) -> str:
    """A page shaped like API docs: headings, prose paragraphs, code fences, tables."""
    parts = [f"# {title}\n"]
    for s in range(rng.randint(2, 7)):
        parts.append(f"## {rng.choice(WORDS).title()} {s}\n")
        for _ in range(rng.randint(1, 4)):
            parts.append(words(rng, rng.randint(15, 60)) + "\n")
        if rng.random() < 0.6:
            body = "\n".join(
                f"const {rng.choice(WORDS)} = await {rng.choice(WORDS)}({rng.randint(0, 99)});"
                for _ in range(rng.randint(2, 12))
            )
            parts.append(f"```ts\n{body}\n```\n")
        if rng.random() < 0.3:
            rows = "\n".join(f"| {rng.choice(WORDS)} | `{rng.choice(WORDS)}` |" for _ in range(5))
            parts.append(f"| name | type |\n| --- | --- |\n{rows}\n")
    return "\n".join(parts)


def edit_page(rng: random.Random, text: str, edits: int) -> str:
    lines = text.split("\n")
    for _ in range(edits):
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.4:
            lines[i] = words(rng, 20)
        elif roll < 0.7:
            lines.insert(i, words(rng, 20))
        elif len(lines) > 5:
            del lines[i]
    return "\n".join(lines)


def build_corpora(restructure: bool, seed: int = 7) -> tuple[dict[str, str], dict[str, str]]:
    """800 old pages; the new version edits, renames, removes and adds to reach 1000."""
    rng = random.Random(seed)
    old = {f"docs/area{i % 20}/page-{i}": build_page(rng, f"Page {i}") for i in range(800)}
    new: dict[str, str] = {}
    for n, (path, text) in enumerate(old.items()):
        target = f"reference/{path}" if restructure else path
        if not restructure and n % 8 == 0:
            continue  # removed
        if not restructure and n % 8 == 1:
            target = path.replace("page-", "renamed-")
        new[target] = edit_page(rng, text, rng.randint(1, 6)) if n % 3 else text
    for i in range(1000 - len(new)):
        new[f"docs/new/page-{i}"] = build_page(rng, f"New page {i}")
    return old, new


def read_corpus(root: Path) -> dict[str, str]:
    if not root.is_dir():
        sys.exit(f"{root} is not a folder; pass two folders of .md files (old, then new).")
    return {
        p.relative_to(root).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.md"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", nargs="?", type=Path, help="folder with the old version's pages")
    parser.add_argument("new", nargs="?", type=Path, help="folder with the new version's pages")
    parser.add_argument("--restructure", action="store_true", help="move every synthetic page")
    parser.add_argument("--summary", action="store_true", help="print the diff summary too")
    args = parser.parse_args()
    if (args.old is None) != (args.new is None):
        parser.error("pass both OLD_DIR and NEW_DIR, or neither for synthetic corpora")
    if args.old is not None:
        old, new = read_corpus(args.old), read_corpus(args.new)
    else:
        old, new = build_corpora(args.restructure)
    start = time.perf_counter()
    diff = diff_docs(old, new, "old", "new")
    seconds = time.perf_counter() - start
    if args.summary:
        print(format_diff_summary(diff))
    counts = {s: len(diff.with_status(s)) for s in ("added", "removed", "renamed", "modified")}
    print(f"{len(old)} -> {len(new)} pages: {counts}, {diff.unchanged} unchanged")
    print(f"diff_docs: {seconds:.2f} s")


if __name__ == "__main__":
    main()
