"""Which URLs a website source may fetch, how they are normalised, and what pages are called.

A website source is one host and one path prefix: `https://vite.dev/guide/` covers
`/guide/` and below. URLs are normalised before they are compared or queued (fragment and
query dropped, so a calendar's `?month=` links collapse into one page; dot segments and
duplicate slashes resolved; scheme and host lowercased; default ports dropped), and a
crawl is bounded three ways: the page cap, a depth below the prefix, and a cap on pages
of one shape (the path with its numbers replaced: `/events/2024/05/` and
`/events/2031/11/` are one shape), which stops an endless calendar.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit, urlunsplit

from docshelf.errors import UsageError

MAX_DEPTH = 12  # path segments below the prefix
MAX_PER_SHAPE = 50  # pages whose paths differ only in their numbers
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".md", ".markdown", ".mdx", ".txt")
_INDEX_NAMES = ("index", "readme", "default")
_VERSION_SEGMENT = re.compile(r"v?(\d+(?:\.\d+){0,2}(?:\.x)?)", re.I)
_UNSAFE_ID_CHARS = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]+")


@dataclass(frozen=True)
class SiteScope:
    """The part of one site a website source covers: one origin, one path prefix."""

    scheme: str
    host: str  # lowercase, with the port when it is not the default
    prefix: str  # the folder covered, "/" or "/guide/" (always ending in "/")
    start: str  # the URL given, normalised
    extra_hosts: tuple[str, ...] = ()  # hosts a setting lets redirects go to

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def root_url(self) -> str:
        return f"{self.origin}/"

    def url(self, path: str) -> str:
        """An absolute URL on this site for a path starting with '/'."""
        return f"{self.origin}{path}"

    def on_host(self, url: str) -> bool:
        """Whether `url` is on this site's host (http upgraded to https included), or on a
        host a setting allows."""
        parts = urlsplit(url)
        host = _netloc(parts)
        if host in self.extra_hosts:
            return parts.scheme in ("http", "https")
        if host != self.host:
            return False
        return parts.scheme == self.scheme or (self.scheme, parts.scheme) == ("http", "https")

    def contains(self, url: str) -> bool:
        """Whether `url` is a page of these docs: on the host and under the prefix."""
        if not self.on_host(url):
            return False
        path = urlsplit(url).path or "/"
        return path.startswith(self.prefix) or path + "/" == self.prefix

    def depth(self, url: str) -> int:
        """Path segments of `url` below the prefix."""
        rest = (urlsplit(url).path or "/")[len(self.prefix) :]
        return len([part for part in rest.split("/") if part])

    def page_id(self, url: str) -> str:
        """The page's id: its path below the prefix, without `.html`, an index named after
        its folder (`guide/` and `guide/index.html` are `guide`); the prefix page itself
        is `index`."""
        path = unquote(urlsplit(url).path or "/")
        rest = path[len(self.prefix) :] if path.startswith(self.prefix) else ""
        parts = [p for p in rest.split("/") if p and p not in (".", "..")]
        if parts:
            last = parts[-1]
            lowered = last.lower()
            for suffix in _PAGE_SUFFIXES:
                if lowered.endswith(suffix) and len(last) > len(suffix):
                    last = last[: -len(suffix)]
                    break
            if last.lower() in _INDEX_NAMES:
                parts.pop()
            else:
                parts[-1] = last
        cleaned = [_UNSAFE_ID_CHARS.sub("-", p).strip(" .")[:120] or "-" for p in parts]
        return "/".join(cleaned) or "index"

    def version_label(self) -> str:
        """A version named in the prefix (`/3.12/library/` -> `3.12`, `/v2/` -> `2`), else
        `latest`: a website holds what is published now."""
        for part in reversed(self.prefix.strip("/").split("/")):
            match = _VERSION_SEGMENT.fullmatch(part)
            if match:
                return match.group(1).lower()
        return "latest"

    def library_name(self) -> str:
        """A name for the library: the site's name from its host (`vite.dev` -> `vite`,
        `docs.python.org` -> `python`), else the prefix's last folder."""
        host = self.host.split(":")[0]
        if not _is_ip(host) and host != "localhost":
            labels = [p for p in host.split(".") if p]
            generic = {"www", "docs", "doc", "developer", "developers", "dev", "api", "learn"}
            while len(labels) > 2 and labels[0] in generic:
                labels.pop(0)
            if labels:
                return _clean_name(labels[0])
        parts = [p for p in self.prefix.split("/") if p]
        return _clean_name(parts[-1]) if parts else "site"


def parse_site_url(
    url: str, *, allow_http: bool = False, extra_hosts: tuple[str, ...] = ()
) -> SiteScope:
    """The scope of a website source from the URL given (see the module docstring).

    `https://` always; `http://` for localhost and 127.0.0.1, or anywhere with
    `allow_http` (DOCSHELF_WEB_ALLOW_HTTP). A URL with a user name or password is refused:
    docshelf sends no credentials to websites.
    """
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        raise _bad_url(url, "it is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise _bad_url(url, "give a full address that starts with https://")
    if parts.username or parts.password:
        raise _bad_url(url, "it carries a user name or password, which docshelf never sends")
    host = parts.hostname.lower()
    if scheme == "http" and not allow_http and host not in LOCAL_HOSTS:
        raise UsageError(
            f"Refused {url!r}: plain http:// is only used for localhost. Use the https:// "
            "address, or set DOCSHELF_WEB_ALLOW_HTTP=on to fetch this site over http."
        )
    start = normalize_url(url)
    if start is None:
        raise _bad_url(url, "it is not a web address")
    path = urlsplit(start).path or "/"
    if path.endswith("/"):
        prefix = path
    else:
        folder, _, last = path.rpartition("/")
        # `/guide` is a folder; `/3/library/os.html` is a page in the folder `/3/library/`.
        prefix = f"{folder}/" if "." in last else f"{path}/"
    hosts = tuple(h.strip().lower() for h in extra_hosts if h.strip())
    return SiteScope(scheme, _netloc(parts), prefix, start, hosts)


def normalize_url(url: str, base: str = "") -> str | None:
    """`url` (resolved against `base`) as one canonical string, or None for what is not an
    http(s) page: scheme and host lowercased, default port, fragment and query dropped,
    dot segments and repeated slashes resolved, unsafe characters percent-encoded."""
    try:
        joined = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(joined)
        _ = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    netloc = _netloc(parts)
    raw_path = re.sub(r"/{2,}", "/", parts.path or "/")
    path = posixpath.normpath(raw_path) if raw_path not in ("", "/") else "/"
    if raw_path.endswith("/") and not path.endswith("/"):
        path += "/"
    if not path.startswith("/"):
        path = "/" + path
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    return urlunsplit((scheme, netloc, path, "", ""))


def path_shape(url: str) -> str:
    """The URL's path with every run of digits replaced, for the per-shape cap."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def _netloc(parts: SplitResult) -> str:
    """`host[:port]`, lowercased, the default port left out, IPv6 in brackets."""
    try:
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = _DEFAULT_PORTS.get(parts.scheme.lower())
    return host if port is None or port == default else f"{host}:{port}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _clean_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:64] or "site"


def _bad_url(url: str, why: str) -> UsageError:
    return UsageError(
        f"Refused website {url!r}: {why}. Give the address of the docs, such as "
        "https://vite.dev/guide/ (docshelf covers that folder and below)."
    )
