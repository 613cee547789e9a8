"""Reproducible shelves of N libraries from one docs tree, for benchmarks/scale.py.

Copy 0 is the tree as is (named `mastra`, so the judged query set applies); copies
1..N-1 (`lib01`, ...) are varied deterministically, seeded by the copy number alone, so
copy k is the same on every shelf and in every run:
- words (camelCase humps included, so identifiers are renamed too) are permuted among
  words of about the same corpus frequency: a share FRACTION of the vocabulary moves,
  which keeps Zipf statistics, and so FTS5's costs, realistic while the terms differ;
- in one prose line out of SHUFFLE_LINES, two neighbouring words swap places;
- page paths go through the same word map (a path that would collide keeps its name);
- front-matter keys are kept, so titles still come from `title:`.

The copies are about the same things by construction: the worst case for routing an
all-library search (every library answers every question about as well as Mastra does).
"""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from pathlib import Path

BUILDER_VERSION = "1"  # bump when the copies change, so cached copies are rebuilt
FRACTION = 0.3  # share of the vocabulary (by distinct word) each copy permutes
BAND = 40  # words of neighbouring frequency ranks that may swap with each other
SHUFFLE_LINES = 10
_WORD = re.compile(r"[A-Za-z]+")
_HUMP = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_KEY = re.compile(r"^(\s*[\w-]+:)(.*)$")
KEEP = frozenset(
    "title description packages sidebar position label http https www com md mdx".split()
)


def library_name(copy: int) -> str:
    return "mastra" if copy == 0 else f"lib{copy:02d}"


def read_tree(root: Path) -> dict[str, str]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".md", ".mdx"))
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in files}


def vocabulary(tree: dict[str, str]) -> list[str]:
    """Lower-case humps of every word, most frequent first (ties by spelling)."""
    counts: Counter[str] = Counter()
    for text in tree.values():
        for word in _WORD.findall(text):
            counts.update(h.lower() for h in _HUMP.findall(word))
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def word_map(vocab: list[str], copy: int) -> dict[str, str]:
    rng = random.Random(f"docshelf-scale-{copy}")
    mapping: dict[str, str] = {}
    for start in range(0, len(vocab), BAND):
        band = [w for w in vocab[start : start + BAND] if len(w) > 2 and w not in KEEP]
        chosen = [w for w in band if rng.random() < FRACTION]
        shuffled = chosen[:]
        rng.shuffle(shuffled)
        mapping.update((a, b) for a, b in zip(chosen, shuffled, strict=True) if a != b)
    return mapping


def _case_like(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def vary_word(word: str, mapping: dict[str, str]) -> str:
    return _HUMP.sub(lambda m: _case_like(m[0], mapping.get(m[0].lower(), m[0].lower())), word)


def vary_text(text: str, mapping: dict[str, str], rng: random.Random) -> str:
    def sub(s: str) -> str:
        return _WORD.sub(lambda m: vary_word(m[0], mapping), s)

    lines = text.split("\n")
    out = []
    front = lines[:1] == ["---"]
    fence = False
    for i, line in enumerate(lines):
        if front and i > 0 and line == "---":
            front = False
            out.append(line)
            continue
        if front and i > 0:
            key = _KEY.match(line)
            out.append(key[1] + sub(key[2]) if key else sub(line))
            continue
        if line.lstrip().startswith("```"):
            fence = not fence
        new = sub(line)
        if not fence and not line.startswith("#") and rng.randrange(SHUFFLE_LINES) == 0:
            words = new.split(" ")
            if len(words) > 3:
                j = rng.randrange(len(words) - 1)
                words[j], words[j + 1] = words[j + 1], words[j]
                new = " ".join(words)
        out.append(new)
    return "\n".join(out)


def vary_path(path: str, mapping: dict[str, str]) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: vary_word(m[0], mapping), path)


def write_copy(tree: dict[str, str], vocab: list[str], copy: int, out: Path) -> Path:
    target = out / library_name(copy)
    if target.exists():
        shutil.rmtree(target)
    mapping = word_map(vocab, copy) if copy else {}
    rng = random.Random(f"docshelf-scale-lines-{copy}")
    used: set[str] = set()
    for rel, text in tree.items():
        new_rel = vary_path(rel, mapping) if copy else rel
        if new_rel in used or new_rel.lower() in used:
            new_rel = rel
        used.update((new_rel, new_rel.lower()))
        dest = target / new_rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(vary_text(text, mapping, rng) if copy else text, encoding="utf-8")
    return target


def build_copies(docs: Path, out: Path, copies: int) -> list[Path]:
    """Folders out/mastra, out/lib01, ...; copies already written by this builder are kept."""
    stamp = out / ".builder"
    if not stamp.is_file() or stamp.read_text() != f"{BUILDER_VERSION} {docs}":
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    stamp.write_text(f"{BUILDER_VERSION} {docs}")
    missing = [k for k in range(copies) if not (out / library_name(k) / ".done").is_file()]
    if missing:
        tree = read_tree(docs)
        vocab = vocabulary(tree)
        for k in missing:
            write_copy(tree, vocab, k, out)
            (out / library_name(k) / ".done").write_text("")
    return [out / library_name(k) for k in range(copies)]
