"""Git source specs: `git:URL[@REF]`, `github:OWNER/REPO[@REF]`, `gitlab:GROUP/REPO[@REF]`.

Parsing only: what repository a spec names (a URL, an scp-style address or a local
path), its host and name, and the REF asked for. URLs that carry credentials are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from docshelf.errors import UsageError

_SCP = re.compile(r"^(?P<user>[A-Za-z0-9._-]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*)$")
_OWNER_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9._-]+)+$")
_SPEC_HELP = (
    "Write git:URL[@REF] (https://host/owner/repo.git, ssh://…, git@host:owner/repo.git, "
    "file:///path or a local path), github:OWNER/REPO[@REF] or gitlab:GROUP/REPO[@REF]; "
    "REF is a tag, branch or commit."
)


@dataclass(frozen=True)
class GitSpec:
    """A repository to read and the REF asked for."""

    url: str  # what git is given: a URL, or an absolute path for a local repository
    ref: str | None
    scheme: str  # https, http, ssh, git, file, or "local"
    host: str  # "" for a local repository
    name: str  # the repository's name, e.g. "vite"
    source: str  # how the user wrote it, without @REF: "github:vitejs/vite"

    @property
    def is_local(self) -> bool:
        return self.scheme == "local"

    def pinned(self, ref: str) -> str:
        return f"{self.source}@{ref}"


def parse_git_spec(text: str, kind: str = "git") -> GitSpec:
    """Parse the part after `git:`, `github:` or `gitlab:` into a GitSpec."""
    body = text.strip()
    if not body:
        raise UsageError(f"Empty {kind}: spec. {_SPEC_HELP}")
    if kind in ("github", "gitlab"):
        repo, _, wanted = body.partition("@")
        repo = repo.strip("/").removesuffix(".git")
        if not _OWNER_REPO.match(repo) or (kind == "github" and repo.count("/") != 1):
            raise UsageError(f"Bad {kind}: spec {text!r}. {_SPEC_HELP}")
        host = f"{kind}.com"
        return GitSpec(
            f"https://{host}/{repo}.git",
            wanted or None,
            "https",
            host,
            _repo_name(repo),
            f"{kind}:{repo}",
        )
    location, ref = _split_ref(body)
    if "://" in location:
        parts = urlsplit(location)
        scheme = parts.scheme.lower()
        if scheme not in ("https", "http", "ssh", "git", "file"):
            raise UsageError(f"Unsupported git URL scheme {scheme!r} in {text!r}. {_SPEC_HELP}")
        if parts.password or (parts.username and scheme in ("https", "http")):
            raise UsageError(
                f"The URL {parts.hostname}{parts.path} carries credentials. Leave them out (they "
                "would show in process lists and logs) and set GITHUB_TOKEN / GITLAB_TOKEN or a "
                "git credential helper instead."
            )
        host = (parts.hostname or "").lower()
        if scheme != "file" and not host:
            raise UsageError(f"The git URL {location!r} names no host. {_SPEC_HELP}")
        return GitSpec(location, ref, scheme, host, _repo_name(parts.path), f"git:{location}")
    scp = _SCP.match(location)
    if scp and not Path(location).exists():
        return GitSpec(
            location, ref, "ssh", scp["host"].lower(), _repo_name(scp["path"]), f"git:{location}"
        )
    folder = Path(location).expanduser()
    if not folder.exists():
        raise UsageError(f"{location!r} is neither a git URL nor an existing folder. {_SPEC_HELP}")
    folder = folder.resolve()
    return GitSpec(str(folder), ref, "local", "", _repo_name(str(folder)), f"git:{folder}")


def _split_ref(body: str) -> tuple[str, str | None]:
    """Cut `@REF` off a location: the first '@' after the host (a ref may hold '@')."""
    if Path(body).expanduser().exists():
        return body, None
    if "://" in body:
        scheme, rest = body.split("://", 1)
        slash = rest.find("/")
        start = len(scheme) + 3 + (slash if slash >= 0 else len(rest))
    elif _SCP.match(body):
        start = body.find(":") + 1
    else:  # a local path: the first '@' whose left side is an existing folder
        ats = [i for i, c in enumerate(body) if c == "@"]
        found = next((i for i in ats if Path(body[:i]).expanduser().exists()), None)
        start = found if found is not None else 0
    at = body.find("@", start)
    if at < 0:
        return body, None
    return body[:at], (body[at + 1 :].strip() or None)


def _repo_name(path: str) -> str:
    tail = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    if tail in ("repo", "") and "/" in path.rstrip("/"):
        # /work/.mirror/vitejs+vite/repo: the folder holding a bare mirror names it
        tail = path.rstrip("/").rsplit("/", 2)[-2].rsplit("+", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail).strip("-.")[:64] or "repo"
