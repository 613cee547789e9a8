"""The repository stands on its own: what the README, docs and benchmarks name is inside it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
DOCUMENTS += sorted(p for p in BENCHMARKS.rglob("*.md") if "out" not in p.parts)
SCRIPTS = sorted(p for p in BENCHMARKS.rglob("*.py") if "out" not in p.parts)

# `../x`, `..\x`, `REPO_ROOT.parent`, `parents[2]` and up: ways to point above the checkout.
OUTSIDE = re.compile(r"(?<![\w.])\.\.[/\\]|REPO_ROOT\.parent|\.parents\[[2-9]\]|shared/eval")
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"```.*?```|``.*?``|`[^`]*`", re.S)  # fenced blocks and inline code
# A path with a folder part that names a data file: `benchmarks/data/x.jsonl`, `data/x.tsv`.
DATA_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*/[\w.-]+\.(?:jsonl|tsv)\b")


def numbered_lines(files: list[Path]) -> list[tuple[str, int, str]]:
    return [
        (str(file.relative_to(ROOT)), n, line)
        for file in files
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
    ]


def test_readme_docs_and_benchmarks_name_no_path_above_the_repository():
    found = [
        f"{name}:{n}: {line.strip()}"
        for name, n, line in numbered_lines(DOCUMENTS + SCRIPTS)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_every_relative_markdown_link_resolves_to_a_file_in_the_repository():
    broken = []
    for file in DOCUMENTS:
        for target in LINK.findall(CODE.sub("", file.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a URL or an anchor in the same page
            resolved = (file.parent / target.split("#")[0]).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{file.relative_to(ROOT)}: {target}")
    assert broken == []


def test_every_data_file_named_with_its_folder_exists_in_the_repository():
    missing = []
    for name, n, line in numbered_lines(DOCUMENTS + SCRIPTS):
        here = (ROOT / name).parent
        for path in DATA_PATH.findall(line):
            if not any((base / path).is_file() for base in (ROOT, here, BENCHMARKS)):
                missing.append(f"{name}:{n}: {path}")
    assert missing == []


def test_the_benchmarks_default_to_query_sets_inside_the_repository(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "off")  # what _common sets; keep it scoped
    sys.modules.pop("_common", None)
    import _common

    try:
        assert _common.DEFAULT_EVAL.is_file()
        assert _common.DEFAULT_EVAL.is_relative_to(ROOT)
        assert _common.OUT_DIR.is_relative_to(ROOT)
    finally:
        sys.modules.pop("_common", None)
