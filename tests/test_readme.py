"""The README stays true: its quick start is what CI runs, its commands and settings exist."""

import re
from pathlib import Path

from click.testing import CliRunner

from docshelf.cli import main
from docshelf.settings import SETTINGS

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
