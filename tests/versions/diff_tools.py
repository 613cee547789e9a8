"""Helpers for the diff tests: GNU diff's own counts, a minimal diff's, skip marks, a page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

MEMORY = """\
# Memory

Memory lets an agent remember earlier messages in a thread and recall them later.

## Working memory

Working memory keeps a small scratchpad of facts about the user, updated every turn.

## Semantic recall

Semantic recall searches older threads with vector embeddings and adds the best matches.

```ts
const memory = new Memory({ options: { semanticRecall: { topK: 3 } } });
```
"""


needs_diff = pytest.mark.skipif(shutil.which("diff") is None, reason="needs the diff binary")
needs_patch = pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch binary")


def gnu_diff_counts(tmp_path: Path, old: str, new: str) -> tuple[int, int]:
    """(+, -) line counts of `diff -u` between two texts."""
    (tmp_path / "old").write_bytes(old.encode())
    (tmp_path / "new").write_bytes(new.encode())
    out = subprocess.run(
        ["diff", "-u", str(tmp_path / "old"), str(tmp_path / "new")],
        capture_output=True,
        check=False,
        timeout=30,
    ).stdout.decode()
    body = out.split("\n")[2:]
    return sum(line.startswith("+") for line in body), sum(line.startswith("-") for line in body)


def lcs_counts(old: list[str], new: list[str]) -> tuple[int, int]:
    """(+, -) of a minimal line diff, by the textbook dynamic programme."""
    row = [0] * (len(new) + 1)
    for a in old:
        previous_diagonal = 0
        for j, b in enumerate(new, start=1):
            above = row[j]
            row[j] = previous_diagonal + 1 if a == b else max(row[j], row[j - 1])
            previous_diagonal = above
    common = row[-1]
    return len(new) - common, len(old) - common
