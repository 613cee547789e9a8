"""Git repositories the tests build with the real `git` CLI, and a `git daemon` to serve them."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    """Run git in `repo` (a work tree) and return its stdout."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        input=stdin,
        capture_output=True,
        env=_ENV,
        timeout=60,
        check=True,
    )
    return done.stdout.decode()


def make_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    return path


def commit(
    repo: Path,
    files: Mapping[str, str | bytes | None],
    *,
    message: str = "docs",
    tags: tuple[str, ...] = (),
    annotated: bool = False,
) -> str:
    """Write (or delete, for None) files, commit them, tag the commit; return its sha."""
    for name, content in files.items():
        file = repo / name
        if content is None:
            file.unlink()
            continue
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            file.write_bytes(content)
        else:
            file.write_text(content, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    for tag in tags:
        if annotated:
            git(repo, "tag", "-a", tag, "-m", f"release {tag}")
        else:
            git(repo, "tag", tag)
    return git(repo, "rev-parse", "HEAD").strip()


def symlink(repo: Path, name: str, target: str) -> None:
    link = repo / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def bare_clone(repo: Path, dest: Path, *, allow_filter: bool = True) -> Path:
    """A bare copy of `repo` that serves partial clones (or, with False, refuses filters)."""
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo), str(dest)],
        env=_ENV,
        timeout=60,
        check=True,
        capture_output=True,
    )
    git(dest, "config", "uploadpack.allowFilter", "true" if allow_filter else "false")
    git(dest, "config", "uploadpack.allowAnySHA1InWant", "true" if allow_filter else "false")
    return dest


@contextmanager
def git_daemon(base: Path, timeout: float = 20.0) -> Iterator[str]:
    """Serve every repository under `base` over git:// on 127.0.0.1; yields the base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            "git",
            "daemon",
            "--verbose",
            "--export-all",
            "--reuseaddr",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={base}",
            "--enable=upload-pack",
            str(base),
        ],
        env=_ENV,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_ready(process, timeout)
        yield f"git://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
        if process.stderr is not None:
            process.stderr.close()


def _wait_ready(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait (at most `timeout` s) for the daemon's 'Ready to rumble' line."""
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    seen = b""
    while b"Ready to rumble" not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or process.poll() is not None:
            raise RuntimeError(f"git daemon did not start: {seen.decode(errors='replace')}")
        ready, _, _ = select.select([process.stderr], [], [], left)
        if ready:
            seen += os.read(process.stderr.fileno(), 4096)
