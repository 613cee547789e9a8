"""The serve command: its own checks, and a real process in a terminal or with no input."""

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from docshelf.shelf import Shelf


def test_a_bad_log_level_setting_is_one_line_naming_the_variable(run, monkeypatch):
    monkeypatch.setenv("DOCSHELF_LOG_LEVEL", "loud")
    result = run("serve")
    assert result.exit_code == 1
    assert result.output.startswith("docshelf: error: DOCSHELF_LOG_LEVEL must be one of debug")


def test_profile_and_log_level_choices_are_listed(run):
    result = run("serve", "--profile", "nope")
    assert result.exit_code == 2
    assert "'default', 'mastra'" in result.output
    help_text = run("serve", "--help").output
    assert "[debug|info|warning|error|none]" in help_text


# ---------------------------------------------------------------- a real process


def docshelf_command(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "docshelf", "--home", str(home), "serve", *args]


def server_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DOCSHELF_LOG_LEVEL": "warning", "DOCSHELF_SEMANTIC": "off", **extra}


def take_terminal() -> None:
    """In the child: make the pty its controlling terminal, so Ctrl-C sends it SIGINT."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`docshelf serve` with a pty as stdin and stderr, as a person runs it; stdout a pipe."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            command,
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=take_terminal,
        )
        os.close(slave)
        self.seen = b""

    def read_until(self, text: str, timeout: float = 60) -> str:
        """Everything shown so far once `text` is; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} not shown within {timeout} s: {self.seen!r}"
            if not self._read(left):
                break
        return self.seen.decode(errors="replace")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 60) -> tuple[int, str, bytes]:
        """Exit code, everything shown on the terminal, and stdout, once the process ends."""
        stdout, _ = self.proc.communicate(timeout=timeout)
        while self._read(timeout):
            pass
        os.close(self.master)
        return self.proc.returncode, self.seen.decode(errors="replace"), stdout

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # EIO: the child's side of the terminal is closed
            return False
        self.seen += chunk
        return bool(chunk)


@pytest.fixture
def terminal(tmp_path):
    started: list[Terminal] = []

    def start(*args: str, **env: str) -> Terminal:
        started.append(Terminal(docshelf_command(tmp_path / "home", *args), server_env(**env)))
        return started[-1]

    yield start
    for term in started:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait(timeout=30)


def test_serve_in_a_terminal_says_it_waits_for_a_client_and_how_to_register_it(terminal, corpus):
    term = terminal(DOCSHELF_DEFAULT_SOURCE=str(corpus))
    shown = term.read_until("Ctrl-C to stop")
    assert "serving MCP on stdio" in shown
    assert f"claude mcp add docshelf -- {sys.executable} -m docshelf --home" in shown
    assert f'"command": "{sys.executable}"' in shown  # Cursor and VS Code, absolute path
    assert "the first session adds" in shown
    term.type("\x03")
    code, shown, stdout = term.finish()
    assert code == 130
    assert "stopped (Ctrl-C)" in shown
    assert "error" not in shown.lower()
    assert stdout == b""  # stdout is the MCP wire: nothing but messages goes there


def test_ctrl_c_stops_serve_at_once_while_it_waits_for_input(terminal):
    term = terminal("--no-default")
    term.read_until("Ctrl-C to stop")
    term.type("\x03")
    code, _shown, _ = term.finish(timeout=30)
    assert code == 130


def test_ctrl_d_ends_serve_normally_with_exit_code_0(terminal):
    term = terminal("--no-default")
    term.read_until("Ctrl-C to stop")
    term.type("\x04")
    code, shown, _ = term.finish(timeout=30)
    assert code == 0
    assert "Interrupted" not in shown and "error" not in shown.lower()


def test_serve_with_stdin_closed_at_once_exits_quietly_and_adds_nothing(tmp_path, corpus):
    home = tmp_path / "home"
    result = subprocess.run(
        docshelf_command(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=server_env(DOCSHELF_DEFAULT_SOURCE=str(corpus)),
        timeout=120,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
    with Shelf(home) as shelf:
        assert shelf.list_libraries() == []


def test_the_command_to_register_has_absolute_paths_for_the_program_and_home(monkeypatch, tmp_path):
    from docshelf.cli.serve import launch_command

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["/venv/bin/docshelf", "--home", "data", "serve"])
    assert launch_command() == ["/venv/bin/docshelf", "--home", str(tmp_path / "data"), "serve"]
    monkeypatch.setattr(sys, "argv", ["/x/docshelf/__main__.py", "--home=~/d", "serve"])
    home = str(Path("~/d").expanduser())
    assert launch_command() == [sys.executable, "-m", "docshelf", f"--home={home}", "serve"]
