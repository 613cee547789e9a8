"""Git specs, and the locked-down way git is run: tokens never on the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from docshelf.errors import UsageError
from docshelf.sources.gitclient import Git, parse_git_spec


def test_github_and_gitlab_shorthands_expand_to_https_urls():
    spec = parse_git_spec("vitejs/vite@v8.2.2", "github")
    assert (spec.url, spec.ref, spec.host, spec.name) == (
        "https://github.com/vitejs/vite.git",
        "v8.2.2",
        "github.com",
        "vite",
    )
    assert spec.pinned("v8.2.2") == "github:vitejs/vite@v8.2.2"
    group = parse_git_spec("group/sub/repo", "gitlab")
    assert (group.url, group.ref) == ("https://gitlab.com/group/sub/repo.git", None)


@pytest.mark.parametrize(
    ("text", "url", "ref", "scheme", "host"),
    [
        (
            "https://github.com/a/b.git@v1.0.0",
            "https://github.com/a/b.git",
            "v1.0.0",
            "https",
            "github.com",
        ),
        (
            "https://github.com/a/b.git@vite@8.2.2",
            "https://github.com/a/b.git",
            "vite@8.2.2",
            "https",
            "github.com",
        ),
        (
            "ssh://git@host.example/a/b.git@main",
            "ssh://git@host.example/a/b.git",
            "main",
            "ssh",
            "host.example",
        ),
        (
            "git@github.com:a/b.git@@scope/pkg@1.2.3",
            "git@github.com:a/b.git",
            "@scope/pkg@1.2.3",
            "ssh",
            "github.com",
        ),
        ("git@github.com:a/b.git", "git@github.com:a/b.git", None, "ssh", "github.com"),
        ("file:///srv/b.git@v2", "file:///srv/b.git", "v2", "file", ""),
    ],
)
def test_git_urls_are_split_from_their_ref(text, url, ref, scheme, host):
    spec = parse_git_spec(text)
    assert (spec.url, spec.ref, spec.scheme, spec.host) == (url, ref, scheme, host)


def test_a_local_path_may_contain_at_signs(tmp_path: Path):
    folder = tmp_path / "we@ird" / "repo"
    folder.mkdir(parents=True)
    spec = parse_git_spec(f"{folder}@v1.0.0")
    assert (spec.url, spec.ref, spec.scheme) == (str(folder), "v1.0.0", "local")


def test_credentials_in_a_url_are_refused_with_the_safe_alternative():
    with pytest.raises(UsageError, match="GITHUB_TOKEN"):
        parse_git_spec("https://user:secret@github.com/a/b.git")


def test_unknown_schemes_and_missing_folders_are_usage_errors():
    with pytest.raises(UsageError, match="Unsupported git URL scheme"):
        parse_git_spec("ftp://host/a.git")
    with pytest.raises(UsageError, match="neither a git URL nor an existing folder"):
        parse_git_spec("/no/such/repo")
    with pytest.raises(UsageError, match="Bad github: spec"):
        parse_git_spec("just-a-name", "github")


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
