"""Git source specs: URLs, shorthands and local paths split into repository and REF."""

from __future__ import annotations

from pathlib import Path

import pytest

from docshelf.errors import UsageError
from docshelf.sources.gitspec import parse_git_spec


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
