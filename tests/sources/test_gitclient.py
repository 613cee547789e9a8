"""The locked-down way git is run: one protocol, no redirects, tokens never on the command line."""

from __future__ import annotations

import subprocess

import pytest

from docshelf.sources.gitclient import Git
from docshelf.sources.gitspec import parse_git_spec


def test_a_github_token_goes_in_the_environment_never_in_argv(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret123")
    seen: dict[str, object] = {}

    class FakePopen:
        def __init__(self, args, **kwargs):
            seen["args"] = args
            seen["env"] = kwargs["env"]
            self.returncode = 128
            self.pid = 0

        def communicate(self, stdin=None, timeout=None):
            return b"", b"fatal: could not read Username ghp_secret123: terminal prompts disabled"

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    git = Git(parse_git_spec("acme/private", "github"))
    with pytest.raises(Exception) as caught:
        git.list_refs()
    assert not any("ghp_secret123" in str(a) for a in seen["args"])
    env = seen["env"]
    assert env["GIT_CONFIG_KEY_0"] == "http.https://github.com/.extraHeader"
    assert env["GIT_CONFIG_VALUE_0"].startswith("Authorization: Basic ")
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_ASKPASS"] == ""
    message = str(caught.value)
    assert "ghp_secret123" not in message and "***" in message
    assert "GITHUB_TOKEN" in message


def test_every_git_command_allows_only_the_named_protocol_and_no_redirects(
    monkeypatch: pytest.MonkeyPatch,
):
    seen: list[list[str]] = []

    class FakePopen:
        def __init__(self, args, **kwargs):
            seen.append(args)
            self.returncode = 0
            self.pid = 0

        def communicate(self, stdin=None, timeout=None):
            return b"", b""

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    Git(parse_git_spec("https://example.org/a/b.git")).list_refs()
    args = " ".join(seen[0])
    for setting in (
        "protocol.allow=never",
        "protocol.https.allow=always",
        "http.followRedirects=false",
        "submodule.recurse=false",
        "core.hooksPath=",
    ):
        assert setting in args
    assert "protocol.file.allow" not in args
