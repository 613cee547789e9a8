"""A package's docs from the website its metadata names, when the user asks (`add --from site`).

The website is the one the registry's metadata gives: PyPI's project_urls Documentation
(or Docs, Reference, ...) first, else its homepage; npm's `homepage` unless it is just the
repository's page on a code host. The user named the package and asked for its site, so
that host may be fetched; an agent's add (`server.jobs`) passes `check_site`, which refuses
hosts the user has not allowed. The pages are fetched by the website source, bounded to
that host and folder, and indexed under the package's own name and version; the recorded
source stays the package, so `reindex` fetches the same site again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from docshelf.errors import SourceError, UsageError
from docshelf.progress import Reporter
from docshelf.settings import get_bool
from docshelf.sources import FetchedDocs
from docshelf.sources.provenance import DocsSite, Provenance
from docshelf.sources.web_scope import LOCAL_HOSTS

SiteCheck = Callable[[str], None]  # raises when the URL may not be fetched


class NoDocsSiteError(SourceError):
    """`--from site` for a package whose metadata names no docs website."""

    def __init__(self, source: str, name: str, missing: str, homepage: str | None) -> None:
        self.source = source
        why = f"its homepage {homepage} is its repository's page" if homepage else missing
        super().__init__(
            f"{source} names no docs website in its metadata ({why}), so "
            f"--from site has nothing to fetch. Add its docs website yourself: `docshelf add "
            f"https://HOST/PATH --name {name}`, or take the docs from its repository: "
            f"`docshelf add {source} --from repo`."
        )


def site_url(site: DocsSite) -> str:
    """The address to fetch: a metadata `http://` link upgraded to https (docshelf fetches
    plain http only from this machine, or with DOCSHELF_WEB_ALLOW_HTTP)."""
    parts = urlsplit(site.url.strip())
    local = (parts.hostname or "").lower() in LOCAL_HOSTS
    if parts.scheme.lower() == "http" and not local and not get_bool("web_allow_http"):
        parts = parts._replace(scheme="https")
    return urlunsplit(parts._replace(fragment=""))


def docs_from_site(
    package: FetchedDocs,
    provenance: Provenance,
    cache_dir: Path,
    reporter: Reporter,
    *,
    missing: str,
    docs_root: str | None = None,
    check_site: SiteCheck | None = None,
) -> FetchedDocs:
    """The docs website the package's metadata names, indexed as the package's docs.

    `package` gives the source, name and version to record (its own files are not used);
    `missing` says in an error what the metadata lacks ("it has no `homepage`"). Raises
    NoDocsSiteError when the metadata names no site, and what `check_site` raises.
    """
    from docshelf.sources.website import fetch_site, fetched_docs

    if docs_root:
        raise UsageError(
            "--docs-root does not apply to --from site: the docs are the website's pages. "
            "Leave --docs-root out, or add a folder of the site directly "
            "(`docshelf add https://HOST/PATH/ --name NAME`)."
        )
    if not provenance.docs_sites:
        raise NoDocsSiteError(package.source, package.name, missing, provenance.homepage)
    site = provenance.docs_sites[0]
    url = site_url(site)
    if check_site is not None:
        check_site(url)
    reporter.message(f"Fetching {package.source}'s docs website {url} ({site.named_by})")
    snapshot = fetch_site(url, cache_dir, reporter)
    fetched = fetched_docs(snapshot)
    return replace(
        fetched,
        source=package.source,
        name=package.name,
        version=package.version,
        origin=f"docs website {snapshot.source} (from {site.named_by}); {fetched.origin}",
    )
