"""The real `git` client, run safely: locked-down config, timeouts, refs and reading trees.

Every git process gets an argument list (never a shell), a timeout that kills its whole
process group, no terminal or askpass prompt, one allowed protocol, no redirects, no
hooks and no submodule recursion. Tokens travel in the environment as an extra HTTP
header scoped to the named host, never on the command line, and are scrubbed from any
message git prints.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from docshelf.errors import SourceError
from docshelf.settings import child_environment, get_float, get_setting
from docshelf.sources.gitrefs import Ref
from docshelf.sources.gitspec import GitSpec

_TOKEN_SETTINGS = {
    "github.com": ("github_token", "x-access-token"),
    "gitlab.com": ("gitlab_token", "oauth2"),
}


class GitCommandError(SourceError):
    """A git command failed or timed out; the message says why and what to do."""


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # "100644", "100755", "120000" (symlink), "160000" (submodule)
    oid: str
    path: str
    size: int | None  # None where the blob is not known locally (partial clone)


class Git:
    """Runs git for one repository spec with the safety settings above."""

    def __init__(self, spec: GitSpec, *, timeout: float | None = None) -> None:
        self.spec = spec
        self.timeout = timeout if timeout is not None else _git_timeout()
        self._secrets: list[str] = []
        self._local_dir: Path | None = None
        self._env = self._environment()
        if shutil.which("git") is None:
            raise SourceError(
                "The git client is not installed (no `git` on PATH). Install git (e.g. "
                "`apt-get install git`) to add git sources."
            )

    def _environment(self) -> dict[str, str]:
        inherited = child_environment()
        env = {
            k: v
            for k, v in inherited.items()
            if not k.startswith("GIT_") and k not in ("SSH_ASKPASS", "DISPLAY")
        }
        env.update(
            GIT_TERMINAL_PROMPT="0",
            GIT_ASKPASS="",
            GIT_CONFIG_NOSYSTEM="1",
            GIT_PROTOCOL_FROM_USER="0",
            LC_ALL="C",
        )
        if "GIT_SSH_COMMAND" in inherited:
            env["GIT_SSH_COMMAND"] = inherited["GIT_SSH_COMMAND"]
        else:
            seconds = str(max(1, int(min(self.timeout, 60))))
            env["GIT_SSH_COMMAND"] = f"ssh -o BatchMode=yes -o ConnectTimeout={seconds}"
        header = self._auth_header()
        if header is not None:
            # Config from the environment: never in argv (ps) and scoped to this host.
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0=f"http.https://{self.spec.host}/.extraHeader",
                GIT_CONFIG_VALUE_0=header,
            )
        return env

    def _auth_header(self) -> str | None:
        if self.spec.scheme != "https" or self.spec.host not in _TOKEN_SETTINGS:
            return None
        setting, user = _TOKEN_SETTINGS[self.spec.host]
        token = get_setting(setting)
        if not token:
            return None
        basic = base64.b64encode(f"{user}:{token}".encode()).decode()
        self._secrets += [token, basic]
        return f"Authorization: Basic {basic}"

    def _config(self) -> list[str]:
        scheme = "file" if self.spec.is_local else self.spec.scheme
        pairs = {
            "protocol.allow": "never",
            f"protocol.{scheme}.allow": "always",
            "http.followRedirects": "false",
            "http.lowSpeedLimit": "1000",
            "http.lowSpeedTime": str(max(1, int(min(self.timeout, 60)))),
            "core.hooksPath": os.devnull,
            "core.symlinks": "false",
            "core.askPass": "",
            "core.fsmonitor": "false",
            "credential.interactive": "false",
            "submodule.recurse": "false",
            "fetch.recurseSubmodules": "false",
            "gc.auto": "0",
            "maintenance.auto": "false",
            "advice.detachedHead": "false",
        }
        return [arg for key, value in pairs.items() for arg in ("-c", f"{key}={value}")]

    def run(
        self,
        args: list[str],
        *,
        git_dir: Path | str | None = None,
        stdin: bytes | None = None,
        what: str = "",
    ) -> bytes:
        """Run `git ARGS` and return its stdout; failures raise GitCommandError."""
        command = ["git", *self._config()]
        if git_dir is not None:
            command += ["--git-dir", str(git_dir)]
        command += args
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._env,
            start_new_session=True,  # so a timeout can end git's helpers too
        )
        try:
            out, err = process.communicate(stdin, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise GitCommandError(
                f"git {what or args[0]} for {self.spec.source} took longer than "
                f"{self.timeout:.0f} s and was stopped. Check the network (or the repository's "
                "size), or raise DOCSHELF_GIT_TIMEOUT."
            ) from None
        except BaseException:
            _kill_group(process)
            raise
        if process.returncode != 0:
            raise GitCommandError(self._explain(err.decode("utf-8", "replace"), what or args[0]))
        return out

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _explain(self, stderr: str, what: str) -> str:
        detail = self.scrub(" ".join(stderr.split()))[:400] or "no message"
        low = stderr.lower()
        source = self.spec.source
        if "could not resolve host" in low or "name or service not known" in low:
            fix = "Check the host name and your network; libraries already indexed keep working."
        elif any(s in low for s in ("authentication", "could not read username", "403", "401")):
            fix = (
                "If the repository is private, set GITHUB_TOKEN (github.com) or GITLAB_TOKEN "
                "(gitlab.com), or configure a git credential helper for the host."
            )
        elif "redirect" in low or " 30" in low:
            fix = (
                "The server redirected elsewhere, which docshelf does not follow; use the URL "
                "the repository lives at now."
            )
        elif "not found" in low or "does not appear to be a git repository" in low:
            fix = "Check the URL (owner and repository name), or set a token if it is private."
        elif "dubious ownership" in low:
            fix = "Run `git config --global --add safe.directory PATH` for that repository."
        elif "transport" in low and "not allowed" in low:
            fix = "Only the protocol of the URL you gave is allowed; use https, ssh or file."
        else:
            fix = "Check the URL and REF, or try again; the previous index is unchanged."
        return f"git {what} failed for {source}: {detail}. {fix}"

    def local_dir(self) -> Path:
        """The git directory of a local repository: `.git` of a work tree, or the bare repo."""
        if self._local_dir is None:
            folder = Path(self.spec.url)
            dot_git = folder / ".git"
            if dot_git.is_dir():
                self._local_dir = dot_git
            elif dot_git.is_file():  # a linked work tree or a submodule: ask git where
                out = self.run(["-C", str(folder), "rev-parse", "--absolute-git-dir"])
                self._local_dir = Path(out.decode().strip())
            elif (folder / "HEAD").is_file() and (folder / "objects").is_dir():
                self._local_dir = folder
            else:
                raise SourceError(
                    f"{folder} is not a git repository (no .git folder, and not a bare "
                    "repository). Give the repository's folder, or add a plain folder of "
                    "markdown without the git: prefix."
                )
        return self._local_dir

    # -- refs -----------------------------------------------------------------------

    def list_refs(self) -> tuple[list[Ref], str | None]:
        """Every tag and branch with its commit, and the default branch's name."""
        if self.spec.is_local:
            out = self.run(
                [
                    "for-each-ref",
                    "--format=%(objecttype) %(objectname) %(*objectname) %(refname)",
                    "refs/tags",
                    "refs/heads",
                ],
                git_dir=self.local_dir(),
                what="for-each-ref",
            )
            refs = []
            for line in out.decode("utf-8", "replace").splitlines():
                kind, oid, target, *rest = line.split(" ")
                name = " ".join(rest)
                commit = target or oid
                if kind == "tag" and not target:
                    continue
                refs.append(_ref(name, commit))
            try:
                head = self.run(["symbolic-ref", "-q", "HEAD"], git_dir=self.local_dir())
            except GitCommandError:  # a detached HEAD names no default branch
                head = b""
            branch = head.decode().strip().removeprefix("refs/heads/") or None
            return [r for r in refs if r is not None], branch
        out = self.run(["ls-remote", "--symref", self.spec.url], what="ls-remote")
        tips: dict[str, str] = {}
        peeled: dict[str, str] = {}
        branch = None
        for line in out.decode("utf-8", "replace").splitlines():
            if line.startswith("ref: ") and line.endswith("\tHEAD"):
                branch = line[5:].split("\t")[0].removeprefix("refs/heads/")
                continue
            oid, _, name = line.partition("\t")
            if name.endswith("^{}"):
                peeled[name[:-3]] = oid
            else:
                tips[name] = oid
        refs = [_ref(name, peeled.get(name, oid)) for name, oid in tips.items()]
        return [r for r in refs if r is not None], branch

    def find_commit(self, sha: str) -> str | None:
        """The full sha of a commit a local repository knows by (a prefix of) `sha`."""
        if not self.spec.is_local:
            return sha if len(sha) == 40 else None
        try:
            out = self.run(
                ["rev-parse", "--verify", "-q", f"{sha}^{{commit}}"], git_dir=self.local_dir()
            )
        except GitCommandError:
            return None
        return out.decode().strip() or None

    # -- remote fetch ---------------------------------------------------------------

    def fetch_commit(self, git_dir: Path, ref: str, kind: str, *, filtered: bool) -> list[str]:
        """Fetch one commit, shallow, into a new bare repository (trees only if `filtered`).

        A server that cannot filter sends blobs anyway; one that cannot do shallow fetches
        gets a full fetch. Returns notes on the fallbacks taken.
        """
        self.run(["init", "--bare", "-q", str(git_dir)], what="init")
        self.run(["remote", "add", "origin", self.spec.url], git_dir=git_dir, what="remote add")
        refspec = {"tag": f"refs/tags/{ref}", "branch": f"refs/heads/{ref}"}.get(kind, ref)
        attempts = [["--depth", "1"], []]
        if filtered:
            attempts.insert(0, ["--depth", "1", "--filter=blob:none"])
        for i, extra in enumerate(attempts):
            try:
                self.run(
                    [
                        "fetch",
                        "-q",
                        "--no-tags",
                        "--no-write-fetch-head",
                        *extra,
                        "origin",
                        f"+{refspec}:refs/docshelf/fetched",
                    ],
                    git_dir=git_dir,
                    what="fetch",
                )
            except GitCommandError as exc:
                if i == len(attempts) - 1 or not _worth_retrying(str(exc)):
                    raise
                continue
            if "--depth" not in extra:
                return ["the server refused a shallow fetch; the full history was fetched"]
            return []
        return []  # pragma: no cover - the loop returns or raises

    def fetch_blobs(self, git_dir: Path, oids: Iterable[str]) -> bool:
        """Fetch blobs of a partial clone in one request; False if the server refuses."""
        wanted = sorted(set(oids))
        if not wanted:
            return True
        try:
            self.run(
                [
                    # Send no "have" lines: the server would leave out every blob reachable
                    # from the commit we already hold, which is all of them.
                    "-c",
                    "fetch.negotiationAlgorithm=noop",
                    "fetch",
                    "-q",
                    "--no-tags",
                    "--no-write-fetch-head",
                    "--filter=blob:none",
                    "--stdin",
                    "origin",
                ],
                git_dir=git_dir,
                stdin="".join(f"{o}\n" for o in wanted).encode(),
                what="fetch",
            )
        except GitCommandError:
            return False
        return True

    # -- reading a tree -------------------------------------------------------------

    def list_tree(self, git_dir: Path | str, commit: str, *, sizes: bool) -> list[TreeEntry]:
        """Every entry of the commit's tree (recursively): files, links and submodules."""
        args = ["ls-tree", "-r", "-z", "--full-tree"] + (["-l"] if sizes else []) + [commit]
        out = self.run(args, git_dir=git_dir, what="ls-tree")
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            fields = meta.decode().split()
            path = raw_path.decode("utf-8", "surrogateescape")
            path = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            size = int(fields[3]) if sizes and len(fields) > 3 and fields[3].isdigit() else None
            entries.append(TreeEntry(fields[0], fields[2], path, size))
        return entries

    def sizes(self, git_dir: Path | str, oids: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(oids))
        if not wanted:
            return {}
        out = self.run(
            ["cat-file", "--batch-check=%(objectname) %(objectsize)"],
            git_dir=git_dir,
            stdin="".join(f"{o}\n" for o in wanted).encode(),
            what="cat-file",
        )
        found = {}
        for line in out.decode().splitlines():
            oid, _, size = line.partition(" ")
            if size.isdigit():
                found[oid] = int(size)
        return found

    def read_blobs(self, git_dir: Path | str, oids: Iterable[str]) -> dict[str, bytes]:
        """The contents of blobs, read in one `cat-file --batch`."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        out = self.run(
            ["cat-file", "--batch"],
            git_dir=git_dir,
            stdin="".join(f"{o}\n" for o in wanted).encode(),
            what="cat-file",
        )
        blobs: dict[str, bytes] = {}
        pos = 0
        while pos < len(out):
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
            pos = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            blobs[header[0]] = out[pos : pos + size]
            pos += size + 1
        return blobs


def _ref(refname: str, commit: str) -> Ref | None:
    if refname.startswith("refs/tags/"):
        return Ref(refname[len("refs/tags/") :], "tag", commit)
    if refname.startswith("refs/heads/"):
        return Ref(refname[len("refs/heads/") :], "branch", commit)
    return None


def _worth_retrying(message: str) -> bool:
    low = message.lower()
    return any(
        s in low for s in ("shallow", "depth", "filter", "unadvertised", "not our ref", "dumb http")
    )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.communicate()


def _git_timeout() -> float:
    return get_float("git_timeout")


def token_hosts() -> Mapping[str, str]:
    """Which hosts get a token from which setting (for the README and tests)."""
    return {host: setting for host, (setting, _) in _TOKEN_SETTINGS.items()}
