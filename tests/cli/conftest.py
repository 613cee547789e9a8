"""`run(*args)`: the CLI in-process over a fresh home."""

import pytest
from click.testing import CliRunner

from docshelf.cli import main


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["--home", str(tmp_path / "home"), *args], input=input)

    return invoke
