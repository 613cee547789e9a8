"""The README stays true: its quick start is what CI runs, its commands and settings exist."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from docshelf.cli import main
from docshelf.search.embed import missing_packages
from docshelf.settings import SETTINGS
from npm_fake import FakeNpm, serving

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_lines() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quick_start_is_two_command_lines():
    lines = quick_start_lines()
    assert len(lines) == 2
    assert lines[0].endswith("docshelf serve")
    assert lines[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for step in quick_start_lines()[1].split(" && "):
        program = step.split()[0]
        assert program in ci, f"{program} from the README's test line is not in .ci/run"
    assert ".venv/bin/python -m pytest" in ci


def test_every_cli_command_is_documented_and_exists():
    help_text = CliRunner().invoke(main, ["--help"]).output
    commands = set(re.findall(r"^  (\w+)\s{2,}", help_text.split("Commands:")[1], re.M))
    documented = set(re.findall(r"`docshelf (\w+)", README))
    assert commands == documented


KIND_WORDS = {
    "path": "folder",
    "str": "text",
    "float": "number",
    "int": "whole number",
    "bool": "on/off",
    "list": "list",
}


def settings_rows() -> list[list[str]]:
    section = README.split("### Settings", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines()]
    return [[cell.strip() for cell in row] for row in rows if row[0].strip().startswith("`")]


def test_every_setting_is_in_the_readme_and_the_readme_lists_no_other():
    documented: dict[str, tuple[str, str]] = {}
    for names, kind, default, _meaning in settings_rows():
        for var in re.findall(r"`([A-Za-z_]+)`", names):
            documented[var] = (kind, default)
    known = {var for setting in SETTINGS for var in setting.env}
    assert set(documented) - known == set(), "the README lists settings that do not exist"
    for setting in SETTINGS:
        assert setting.env[0] in documented, f"{setting.env[0]} is missing from the README"
        kind, default = documented[setting.env[0]]
        assert kind == KIND_WORDS[setting.kind], setting.name
        shown = re.fullmatch(r"`(.*)`", default)
        assert (shown.group(1) if shown else "") == setting.default, setting.name


# ---------------------------------------------------------------- tables render


def test_every_table_is_unbroken_and_its_rows_have_the_headers_columns():
    lines = README.splitlines()
    broken = []
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            continue
        starts = i == 0 or not lines[i - 1].startswith("|")
        if starts and not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1]):
            broken.append(f"line {i + 1} continues no table (a blank line inside one?)")
        header = next(j for j in range(i, -1, -1) if j == 0 or not lines[j - 1].startswith("|"))
        cells = len(re.split(r"(?<!\\)\|", line.strip())) - 2
        if cells != len(re.split(r"(?<!\\)\|", lines[header].strip())) - 2:
            broken.append(f"line {i + 1} has {cells} cells, unlike its table's header")
    assert broken == []


# ---------------------------------------------------------------- the shell blocks run

SKIP = re.compile(r"<!-- readme-test: skip \((.+)\) -->")
NEEDS = re.compile(r"<!-- readme-test: needs (\w+) -->")
BLOCK = re.compile(r"^```(bash|console)\n(.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class ShellBlock:
    line: int
    commands: str
    skip: str  # why it does not run here ("" when it runs)
    needs: str  # what must be installed for it to run ("" when nothing)


def shell_blocks() -> list[ShellBlock]:
    """The README's bash and console blocks in order, with the annotation above each."""
    blocks = []
    for match in BLOCK.finditer(README):
        above = README[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        text = match.group(2)
        if match.group(1) == "console":  # a session: the commands are the `$ ` lines
            text = "\n".join(line[2:] for line in text.splitlines() if line.startswith("$ "))
        skip, needs = SKIP.fullmatch(above), NEEDS.fullmatch(above)
        blocks.append(
            ShellBlock(
                README.count("\n", 0, match.start()) + 1,
                text,
                skip.group(1) if skip else "",
                needs.group(1) if needs else "",
            )
        )
    return blocks


def test_blocks_that_do_not_run_here_say_why_in_an_annotation():
    skipped = [b for b in shell_blocks() if b.skip]
    assert len(skipped) >= 4  # install, tests, a client, the benchmarks
    assert all(len(b.skip) > 10 for b in skipped)
    assert any(not b.skip and not b.needs for b in shell_blocks())


def mastra_docs(version: str) -> dict[str, str]:
    """A small stand-in for @mastra/mcp-docs-server's `.docs/` with the pages the README
    reads and searches."""
    return {
        ".docs/docs/workspace/sandbox.md": (
            "# Sandbox\n\n## Dynamic sandbox\n\nA resolver returns a sandbox per tenant, so "
            f"each tenant gets its own sandbox ({version}).\n"
        ),
        ".docs/docs/workspace/overview.md": "# Workspaces\n\nPatterns for multi-tenant agents.\n",
        ".docs/reference/workspace/docker-sandbox.md": (
            "# DockerSandbox\n\nRuns commands in a container.\n\n## Bind mounts\n\n"
            "Mount host directories into the container using the `volumes` option.\n"
        ),
    }


@pytest.fixture(scope="module")
def user_state(tmp_path_factory):
    """Where a reader of the README stands after the quick start: docshelf on PATH (the
    venv active), the Mastra docs added by the first session, in a folder of their own
    with a project's docs (`./my-project/docs`), the checkout's benchmarks beside it,
    and npm answered by a registry on 127.0.0.1."""
    root = tmp_path_factory.mktemp("reader")
    work = root / "work"
    (work / "my-project" / "docs").mkdir(parents=True)
    (work / "my-project" / "docs" / "index.md").write_text("# My project\n\nHow it works.\n")
    (work / "benchmarks").symlink_to(ROOT / "benchmarks")
    npm = FakeNpm()
    for version in ("1.1.45", "1.2.27"):
        npm.publish("@mastra/mcp-docs-server", version, mastra_docs(version))
    with serving(npm) as registry:
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "DOCSHELF_HOME": str(root / "home"),
            "DOCSHELF_NPM_REGISTRY": registry,
            "DOCSHELF_SEMANTIC": "auto",
        }
        first = subprocess.run(
            ["docshelf", "add", "npm:@mastra/mcp-docs-server", "--name", "mastra", "-q"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert first.returncode == 0, first.stderr
        yield work, env


def test_every_runnable_shell_block_runs_as_printed(user_state):
    work, env = user_state
    semantic = not missing_packages()
    ran = 0
    for block in shell_blocks():
        if block.skip or (block.needs == "semantic" and not semantic):
            continue
        assert block.needs in ("", "semantic"), f"README line {block.line}: needs {block.needs}?"
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.commands],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, (
            f"README block at line {block.line} failed:\n{block.commands}\n{result.stderr}"
        )
        ran += 1
    assert ran >= 2
