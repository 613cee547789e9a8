"""A package's docs from its repository at the release's tag, when the package ships none.

npm's `repository` (with `directory` in a monorepo) and PyPI's `project_urls` name the
repository; the release's tag is found among the repository's tags (`v4.1.12`, `4.1.12`,
`zod@4.1.12`, ...) and the docs there are read by the git source, preferring the package's
own folder in a monorepo, then the repository's docs site or folder.

The repository's host comes from the registry's metadata, not from the user, so it is
contacted only when DOCSHELF_ALLOWED_REPO_HOSTS lists it (the public forges by default);
a registry never makes docshelf read a path on this machine. When the repository cannot
be used, the package's README is served with a warning that names the repository and how
to retry, never as a silent success; `--from repo` makes that an error instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from docshelf.errors import SourceError
from docshelf.progress import Reporter
from docshelf.settings import get_list
from docshelf.sources import FetchedDocs
from docshelf.sources.provenance import Provenance


class RepoDocsError(SourceError):
    """The repository a package names could not give its docs; the message says why."""


@dataclass(frozen=True)
class RepoPlan:
    """Where a release's docs should be: its repository, the tags to try, its folder."""

    package: str  # as the registry names it: "zod", "@tanstack/react-query", "httpx"
    version: str
    repository: str  # what git fetches: "https://github.com/colinhacks/zod"
    directory: str | None  # the package's folder in a monorepo ("packages/zod")
    tags: tuple[str, ...]  # the release's likely tags, likeliest first

    @property
    def host(self) -> str:
        return (urlsplit(self.repository).hostname or "").lower()

    @property
    def label(self) -> str:
        """`github.com/colinhacks/zod`, as messages show it."""
        parts = urlsplit(self.repository)
        return f"{parts.netloc}{parts.path}".removesuffix(".git").rstrip("/")


def tag_candidates(package: str, version: str) -> tuple[str, ...]:
    """The tags a release is usually published under, likeliest first.

    `v4.1.12`, `4.1.12`, then the monorepo forms `zod@4.1.12` (and `@scope/pkg@1.2.3`,
    `pkg@1.2.3`), `pkg-v1.2.3`, `pkg-1.2.3`, `pkg/v1.2.3`, `release-1.2.3`.
    """
    short = package.rsplit("/", 1)[-1]
    names = list(dict.fromkeys([package, short]))
    tags = [f"v{version}", version]
    tags += [f"{name}@{version}" for name in names] + [f"{name}@v{version}" for name in names]
    tags += [f"{short}-v{version}", f"{short}-{version}", f"{short}/v{version}"]
    tags += [f"release-{version}", f"release/{version}"]
    return tuple(dict.fromkeys(tags))


def plan_from_provenance(package: str, version: str, provenance: Provenance) -> RepoPlan | None:
    """The plan for a release whose metadata names a repository; None when it names none."""
    if not provenance.repository:
        return None
    return RepoPlan(
        package,
        version,
        provenance.repository,
        provenance.directory,
        tag_candidates(package, version),
    )


def allowed_hosts() -> tuple[str, ...]:
    """Hosts a repository named by a registry may be fetched from (a setting)."""
    return tuple(host.lower() for host in get_list("allowed_repo_hosts"))


def check_plan(plan: RepoPlan) -> None:
    """Raise RepoDocsError unless git may fetch the plan's repository."""
    scheme = urlsplit(plan.repository).scheme.lower()
    if scheme not in ("https", "http", "git", "ssh"):
        raise RepoDocsError(
            f"{plan.package}@{plan.version} names its repository as {plan.repository}; docshelf "
            "fetches a repository a registry names only over https, http, git or ssh. Add it "
            "yourself if you trust it: `docshelf add git:URL@TAG`."
        )
    if plan.host not in allowed_hosts():
        raise RepoDocsError(
            f"{plan.package}@{plan.version}'s repository {plan.repository} is on {plan.host}, "
            "which docshelf does not fetch from unless you name it: add "
            f"`docshelf add git:{plan.repository}@{plan.tags[0]} --name NAME`, or list the host "
            "in DOCSHELF_ALLOWED_REPO_HOSTS."
        )


def fetch_repo_docs(
    plan: RepoPlan, cache_dir: Path, reporter: Reporter, docs_root: str | None = None
) -> tuple[FetchedDocs, str]:
    """The docs of the plan's repository at the release's tag, and the tag used.

    Raises RepoDocsError when the host is not allowed, the repository cannot be reached,
    no tag matches the release, or the repository has no docs either.
    """
    from docshelf.sources.git import fetch_git, fetched_docs
    from docshelf.sources.gitclient import Git
    from docshelf.sources.gitrefs import nearest_tags, resolve_ref
    from docshelf.sources.gitspec import parse_git_spec

    check_plan(plan)
    spec = parse_git_spec(plan.repository, "git")
    reporter.message(f"Looking for {plan.package}@{plan.version}'s tag in {plan.label}")
    try:
        refs, branch = Git(spec).list_refs()
    except SourceError as exc:
        raise RepoDocsError(f"Could not read {plan.label}: {exc}") from exc
    names = {r.name for r in refs if r.kind == "tag"}
    tag = next((t for t in plan.tags if t in names), None)
    if tag is None:
        try:
            tag = resolve_ref(refs, plan.version, default_branch=branch, repo_name=spec.name).ref
        except SourceError:
            near = ", ".join(nearest_tags(refs, plan.tags[0])) or "none"
            raise RepoDocsError(
                f"{plan.label} has no tag for {plan.package}@{plan.version} (tried "
                f"{', '.join(plan.tags[:4])}, ...; nearest: {near}). Add the right one yourself: "
                f"`docshelf add git:{plan.repository}@TAG --name NAME`."
            ) from None
    docs = fetch_git(
        f"{plan.repository}@{tag}", "git", cache_dir, docs_root, reporter.message, plan.directory
    )
    fetched = fetched_docs(docs)
    if docs.layout.readme_only:
        raise RepoDocsError(
            f"{plan.label} at {tag} has no docs site or docs folder either (only its README)."
        )
    return fetched, tag


def docs_from_repository(
    tarball: FetchedDocs,
    plan: RepoPlan | None,
    docs_from: str | None,
    cache_dir: Path,
    reporter: Reporter,
    *,
    kind: str = "npm package",
    docs_root: str | None = None,
) -> FetchedDocs:
    """The docs to index for a release whose own files (`tarball`) hold no docs folder.

    Its repository's docs at the release's tag when that works; else `tarball` (its README
    and CHANGELOG) with a warning naming the repository and how to retry. With
    `docs_from="repo"` a failure is an error.
    """
    ref = f"{tarball.name}@{tarball.version}"
    if plan is None:
        if docs_from == "repo":
            raise RepoDocsError(
                f"The {kind} {ref} names no repository in its metadata, so there is none to "
                "take docs from. Add its repository yourself: `docshelf add git:URL@TAG`."
            )
        return replace(
            tarball,
            warnings=(
                *tarball.warnings,
                f"{ref}: the {kind} ships no docs and names no repository; only its README and "
                "CHANGELOG were indexed. If its docs are in a repository, add it with "
                "`docshelf add git:URL@TAG --name NAME`.",
            ),
        )
    try:
        fetched, tag = fetch_repo_docs(plan, cache_dir, reporter, docs_root)
    except RepoDocsError as exc:
        if docs_from == "repo":
            raise
        served = ", ".join(d.page_id for d in tarball.documents) or "nothing"
        return replace(
            tarball,
            origin=f"{tarball.origin}; its repository {plan.label} was not used",
            warnings=(
                *tarball.warnings,
                f"{ref}: the {kind} ships no docs, and its repository could not be used: {exc} "
                f"Only what the {kind} holds was indexed ({served}); retry with `docshelf add "
                f"{tarball.source} --from repo` once {plan.label} can be reached.",
            ),
        )
    origin = f"the {kind} ships no docs; using {plan.label} @ {tag}, {fetched.origin}"
    return replace(
        fetched,
        source=tarball.source,
        name=tarball.name,
        version=tarball.version,
        origin=origin,
    )
