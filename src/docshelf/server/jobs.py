"""Libraries an agent asked to add, indexed in the background while the server answers.

`Jobs.submit` checks the source against what an agent may fetch (`check_agent_source`),
starts the add in a daemon thread and returns at once with the job; one add runs at a
time (the others wait their turn), and each reports its progress into its `Job`, which
`list_libraries` shows. What an agent may add is narrower than what the CLI may: npm and
PyPI packages from the registries the settings name, repositories on the hosts of
DOCSHELF_ALLOWED_REPO_HOSTS, websites on the hosts of DOCSHELF_AGENT_WEB_HOSTS (a
package's own website with `docs_from="site"` too, checked once its metadata names it),
and folders (or local repositories) inside the project the server was started in.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from docshelf.errors import DocshelfError, UsageError
from docshelf.settings import get_list
from docshelf.shelf import Shelf
from docshelf.wording import SHELL, Call

log = logging.getLogger("docshelf.server")
_PACKAGE_KINDS = ("npm", "pypi")
_GIT_KINDS = ("git", "github", "gitlab")
_WEB_KINDS = ("https", "http")


@dataclass
class Job:
    """One add an agent asked for, and how far it has got."""

    id: str
    source: str
    name: str | None
    docs_from: str | None = None
    state: str = "queued"  # queued, running, done or failed
    progress: str = ""
    library: str = ""  # NAME@VERSION once added
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def describe(self) -> str:
        """One line for list_libraries."""
        head = f"job {self.id} {self.source}: {self.state}"
        if self.state == "done":
            return f"{head}, added as {self.library}"
        if self.state == "failed":
            return f"{head}: {self.error}"
        return f"{head} ({self.progress})" if self.progress else head


class JobCancelled(Exception):
    """Raised inside a job's add when the server stops, so its transaction rolls back."""


class JobReporter:
    """The Reporter of one job: the latest step and counts, kept on the job. Each report
    is also where a job stops when the server does."""

    def __init__(self, job: Job, stopping: threading.Event) -> None:
        self.job = job
        self.stopping = stopping

    def message(self, text: str) -> None:
        log.warning("job %s: %s", self.job.id, text)
        if not text.startswith("Warning:"):
            self._set(text)

    def download(self, done: int, total: int | None) -> None:
        of = f" of {total / 1e6:.1f}" if total else ""
        self._set(f"downloading, {done / 1e6:.1f}{of} MB")

    def pages(self, done: int, found: int) -> None:
        self._set(f"fetching pages, {done} of {found} found so far")

    def index(self, done: int, total: int) -> None:
        self._set(f"indexing, {done} of {total} pages")

    def embed(self, done: int, total: int) -> None:
        self._set(f"embedding, {done} of {total} sections")

    def _set(self, progress: str) -> None:
        if self.stopping.is_set():
            raise JobCancelled
        self.job.progress = progress


class Jobs:
    """The adds of one server, newest last."""

    def __init__(
        self,
        shelf: Shelf,
        project: Path | None = None,
        on_added: Callable[[], object] | None = None,
    ) -> None:
        self.shelf = shelf
        self.project = project
        self.on_added = on_added  # after each add that succeeds (the server builds vectors)
        self._jobs: list[Job] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._turn = threading.Lock()  # one add at a time: they share the writer anyway
        self._threads: list[threading.Thread] = []
        self.stopping = threading.Event()

    def stop(self, timeout: float = 10.0) -> bool:
        """Cancel the adds (each stops at its next progress report, its transaction rolled
        back) and wait up to `timeout` seconds; True when none is left running, so the
        shelf may be closed."""
        self.stopping.set()
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs)

    def submit(self, source: str, name: str | None = None, docs_from: str | None = None) -> Job:
        """Check `source` and start adding it; a job already queued or running for the
        same source and name is returned instead of a second one."""
        source = source.strip()
        if not source or "\x00" in source:
            raise UsageError(
                'Give a source to add, e.g. source="npm:zod@3.23.8" or '
                'source="pypi:httpx==0.28.1" (resolve_library names one).'
            )
        check_agent_source(source, self.project)
        if docs_from == "site" and source.partition(":")[0].lower() in _PACKAGE_KINDS:
            check_agent_site(source, None)  # no host allowed: refused now, not in the job
        with self._lock:
            for job in self._jobs:
                same = (job.source, job.name, job.docs_from) == (source, name, docs_from)
                if same and job.state in ("queued", "running"):
                    return job
            job = Job(str(next(self._ids)), source, name, docs_from)
            self._jobs.append(job)
        thread = threading.Thread(
            target=self._run, args=(job,), name=f"docshelf-add-{job.id}", daemon=True
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return job

    def _run(self, job: Job) -> None:
        try:
            self._add(job)
        finally:
            job.finished.set()

    def _add(self, job: Job) -> None:
        with self._turn:
            if self.stopping.is_set():
                return
            job.state = "running"
            reporter = JobReporter(job, self.stopping)
            try:
                record = self.shelf.add_library(
                    job.source,
                    name=job.name,
                    docs_from=job.docs_from,
                    reporter=reporter,
                    check_site=lambda url: check_agent_site(job.source, url),
                )
            except JobCancelled:
                job.state, job.progress = "failed", "cancelled: the server stopped"
            except DocshelfError as exc:
                job.error, job.state = str(exc), "failed"
            except Exception as exc:  # the server goes on whatever one add does
                if self.stopping.is_set():
                    return  # stopped mid-add: the transaction never committed
                log.exception("job %s failed", job.id)
                job.error, job.state = f"{type(exc).__name__}: {exc}", "failed"
            else:
                job.library, job.progress, job.state = record.ref, "", "done"
                log.warning("job %s: added %s (%d pages)", job.id, record.ref, record.pages)
                if self.on_added is not None:
                    self.on_added()
            finally:
                self.shelf.close_thread()  # this thread's own connection only


def check_agent_source(source: str, project: Path | None) -> None:
    """Raise UsageError unless an agent may add `source` (see the module docstring)."""
    prefix, sep, rest = source.partition(":")
    kind = prefix.lower() if sep else ""
    if kind in _PACKAGE_KINDS:
        return
    if kind in _WEB_KINDS:
        host = (urlsplit(source).hostname or "").lower()
        allowed = [h.lower() for h in get_list("agent_web_hosts")]
        if host and host in allowed:
            return
        raise UsageError(
            f"An agent may not crawl {host or source}: websites are added over MCP only from "
            "the hosts in DOCSHELF_AGENT_WEB_HOSTS (none by default). Ask the user to run "
            f"`{_user_add(source)}`, or to list {host} in DOCSHELF_AGENT_WEB_HOSTS and "
            "restart the server."
        )
    if kind in _GIT_KINDS:
        from docshelf.sources.gitspec import parse_git_spec

        spec = parse_git_spec(rest, kind)
        if spec.is_local or spec.scheme == "file":
            _inside_project(Path(spec.url), source, project)
            return
        allowed = [h.lower() for h in get_list("allowed_repo_hosts")]
        if spec.host.lower() not in allowed:
            raise UsageError(
                f"An agent may not fetch {source}: repositories are added over MCP only from "
                f"{', '.join(allowed) or 'no host'} (DOCSHELF_ALLOWED_REPO_HOSTS). Ask the user "
                f"to run `{_user_add(source)}`."
            )
        return
    if sep and kind.isalpha() and len(kind) > 1 and not Path(source).exists():
        return  # an unknown kind: the registry's own error lists the kinds there are
    _inside_project(Path(source), source, project)


def check_agent_site(source: str, url: str | None) -> None:
    """Raise UsageError unless an agent may have the website `url` fetched as the docs of
    the package `source` (`docs_from="site"`); with `url` None, unless it may fetch any."""
    allowed = [h.lower() for h in get_list("agent_web_hosts")]
    host = (urlsplit(url).hostname or "").lower() if url else ""
    if (url is None and allowed) or (host and host in allowed):
        return
    user_add = SHELL.call(Call("add", source=source, docs_from="site"))
    site = f"{source}'s docs website {url}" if url else f"{source}'s docs website"
    raise UsageError(
        f"An agent may not crawl {site}: websites are added over MCP only from the hosts in "
        f"DOCSHELF_AGENT_WEB_HOSTS ({', '.join(allowed) or 'none'}). Ask the user to run "
        f"`{user_add}`, or to list {host or 'its host'} in DOCSHELF_AGENT_WEB_HOSTS and "
        "restart the server."
    )


def _inside_project(path: Path, source: str, project: Path | None) -> None:
    """Raise unless `path` lies inside the project the server was started in."""
    root = (project or Path.cwd()).resolve()
    try:
        target = (root / path.expanduser()).resolve()
    except (OSError, ValueError, RuntimeError):  # a name no file system takes, a link loop
        raise UsageError(
            f"{source!r} is not a folder docshelf can read. Give a folder inside the project "
            f"({root}), or a package such as npm:NAME@VERSION."
        ) from None
    if target != root and not target.is_relative_to(root):
        raise UsageError(
            f"An agent may add a folder only inside the project the server was started in "
            f"({root}); {source} is outside it. Ask the user to run `{_user_add(source)}`."
        )


def _user_add(source: str) -> str:
    """The command the user runs to add what an agent may not: always the shell's."""
    return SHELL.call(Call("add", source=source))
