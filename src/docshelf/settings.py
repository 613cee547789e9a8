"""Every setting docshelf reads, in one table: name, type, default, environment variables, help.

Each value is read from the environment and parsed into its type here, once; a bad value
is a UsageError that names the variable and shows a good one. The table feeds `docshelf
--help`, and tests/test_readme.py checks that the README's settings table matches it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn, TypeVar

from docshelf.constants import DEFAULT_NAME, DEFAULT_SOURCE, LOG_LEVELS
from docshelf.errors import UsageError

Kind = Literal["str", "int", "float", "bool", "path", "list"]
Value = str | int | float | bool | Path | tuple[str, ...] | None

_T = TypeVar("_T")
_TRUE = ("auto", "on", "true", "yes", "1")
_FALSE = ("off", "false", "no", "0")


@dataclass(frozen=True)
class Setting:
    name: str
    kind: Kind
    default: str  # as it would be written in the environment; "" for none
    env: tuple[str, ...]  # the first one set wins
    help: str
    choices: tuple[str, ...] = ()  # for str settings: the values allowed (any case)

    def parse(self, raw: str, var: str = "") -> Value:
        """`raw` (from `var`, or the default) as this setting's type."""
        var = var or self.env[0]
        text = raw.strip()
        if self.kind == "int":
            try:
                return int(text)
            except ValueError:
                raise self._bad(var, raw, "a whole number") from None
        if self.kind == "float":
            try:
                number = float(text)
            except ValueError:
                number = -1.0
            if not number > 0:  # also refuses NaN
                raise self._bad(var, raw, "a positive number")
            return number
        if self.kind == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise self._bad(var, raw, f"{self.default} or off")
        if self.kind == "path":
            path = Path(text).expanduser() if text else None
            if path is not None and path.exists() and not path.is_dir():
                raise UsageError(
                    f"{var} must be a folder, but {path} is a file. Point it at a folder "
                    "(created if missing), or unset it for the default."
                )
            return path
        if self.kind == "list":
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if self.choices:
            if text.lower() not in self.choices:
                raise self._bad(var, raw, "one of " + ", ".join(self.choices))
            return text.lower()
        return raw

    def _bad(self, var: str, raw: str, wanted: str) -> UsageError:
        return UsageError(
            f"{var} must be {wanted}, not {raw!r}. Set it to e.g. {self.default}, or unset it "
            "for the default."
        )


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "home",
        "path",
        "",
        ("DOCSHELF_HOME",),
        "Data directory (index database, download cache). Default: the platform's user "
        "data directory for docshelf.",
    ),
    Setting(
        "npm_registry",
        "str",
        "https://registry.npmjs.org",
        ("DOCSHELF_NPM_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY"),
        "npm registry to fetch packages from.",
    ),
    Setting(
        "pypi_index",
        "str",
        "https://pypi.org/pypi",
        ("DOCSHELF_PYPI_INDEX",),
        "Base URL of a PyPI JSON API (`<base>/NAME/json`) to fetch `pypi:` sources from. "
        "PIP_INDEX_URL is not read: it names a simple index, which has no JSON API.",
    ),
    Setting(
        "pypi_files",
        "str",
        "https://files.pythonhosted.org",
        ("DOCSHELF_PYPI_FILES",),
        "The one host besides the index itself that `pypi:` downloads may come from, "
        "redirects included.",
    ),
    Setting(
        "default_source",
        "str",
        DEFAULT_SOURCE,
        ("DOCSHELF_DEFAULT_SOURCE",),
        "Library that `docshelf serve` adds on first run when nothing is indexed.",
    ),
    Setting(
        "default_name",
        "str",
        DEFAULT_NAME,
        ("DOCSHELF_DEFAULT_NAME",),
        "Name given to the default library.",
    ),
    Setting(
        "http_timeout",
        "float",
        "30",
        ("DOCSHELF_HTTP_TIMEOUT",),
        "Seconds to wait for a registry before giving up (retried with backoff).",
    ),
    Setting(
        "download_timeout",
        "float",
        "600",
        ("DOCSHELF_DOWNLOAD_TIMEOUT", "DOCSHELF_MAX_DOWNLOAD_SECONDS"),
        "Most seconds one download (package metadata or archive, npm or PyPI) may take in "
        "all, retries included; a registry that sends too slowly is given up on.",
    ),
    Setting(
        "max_metadata_mb",
        "float",
        "64",
        ("DOCSHELF_MAX_METADATA_MB",),
        "Largest package metadata document docshelf reads from a registry (MiB).",
    ),
    Setting(
        "web_max_pages",
        "int",
        "500",
        ("DOCSHELF_WEB_MAX_PAGES",),
        "Most pages one website source fetches; a crawl that finds more stops there, warning.",
    ),
    Setting(
        "web_concurrency",
        "int",
        "4",
        ("DOCSHELF_WEB_CONCURRENCY",),
        "Requests a website source has open at once.",
    ),
    Setting(
        "web_delay_ms",
        "int",
        "50",
        ("DOCSHELF_WEB_DELAY_MS",),
        "Least time between two requests to a website, in ms (a robots.txt Crawl-delay "
        "asking for more wins).",
    ),
    Setting(
        "web_page_timeout",
        "float",
        "30",
        ("DOCSHELF_WEB_PAGE_TIMEOUT",),
        "Seconds one web page may take to arrive; a slower page is skipped, warning.",
    ),
    Setting(
        "web_max_seconds",
        "float",
        "900",
        ("DOCSHELF_WEB_MAX_SECONDS",),
        "Longest a website source may fetch; the pages fetched by then are indexed, warning.",
    ),
    Setting(
        "web_max_page_mb",
        "float",
        "5",
        ("DOCSHELF_WEB_MAX_PAGE_MB",),
        "Largest web page read (MiB); a bigger one is skipped, warning (llms-full.txt may be "
        "16 times this).",
    ),
    Setting(
        "web_allow_hosts",
        "list",
        "",
        ("DOCSHELF_WEB_ALLOW_HOSTS",),
        "Comma-separated hosts besides the one named that website redirects may go to "
        "(e.g. www.example.com); no other host is ever fetched.",
    ),
    Setting(
        "agent_web_hosts",
        "list",
        "",
        ("DOCSHELF_AGENT_WEB_HOSTS",),
        "Comma-separated hosts whose websites an agent may add over MCP (add_library); "
        "none by default. The CLI fetches any site you name.",
    ),
    Setting(
        "web_allow_http",
        "bool",
        "off",
        ("DOCSHELF_WEB_ALLOW_HTTP",),
        "Allow plain http:// websites beyond localhost (on), not only https://.",
    ),
    Setting(
        "max_archive_mb",
        "float",
        "512",
        ("DOCSHELF_MAX_ARCHIVE_MB",),
        "Largest package archive, unpacked, that docshelf accepts (MiB).",
    ),
    Setting(
        "git_timeout",
        "float",
        "300",
        ("DOCSHELF_GIT_TIMEOUT",),
        "Seconds one git command (ls-remote, fetch, reading a tree) may take before it is stopped.",
    ),
    Setting(
        "max_repo_files",
        "int",
        "20000",
        ("DOCSHELF_MAX_REPO_FILES",),
        "Most doc files docshelf reads from one git repository.",
    ),
    Setting(
        "github_token",
        "str",
        "",
        ("GITHUB_TOKEN", "GH_TOKEN"),
        "Token for private github.com repositories (sent as an HTTP header, never logged).",
    ),
    Setting(
        "gitlab_token",
        "str",
        "",
        ("GITLAB_TOKEN",),
        "Token for private gitlab.com repositories (sent as an HTTP header, never logged).",
    ),
    Setting(
        "allowed_repo_hosts",
        "list",
        "github.com,gitlab.com,codeberg.org,bitbucket.org",
        ("DOCSHELF_ALLOWED_REPO_HOSTS",),
        "Hosts docshelf may fetch a package's repository from when the package's registry "
        "names it (npm `repository`, PyPI `project_urls`); a `git:` URL you give is always "
        "fetched.",
    ),
    Setting(
        "semantic",
        "bool",
        "auto",
        ("DOCSHELF_SEMANTIC",),
        "Semantic search: auto (hybrid once the library's vectors are built) or off (full "
        "text only).",
    ),
    Setting(
        "section_vectors",
        "bool",
        "on",
        ("DOCSHELF_SECTION_VECTORS",),
        "After the page vectors (the fast first build), also embed every section, in the "
        "background or with `docshelf embed`; off: page vectors only (far less CPU).",
    ),
    Setting(
        "log_level",
        "str",
        "warning",
        ("DOCSHELF_LOG_LEVEL",),
        "Log level for `serve` (debug, info, warning, error, none); logs go to stderr.",
        choices=LOG_LEVELS,
    ),
    Setting(
        "token",
        "str",
        "",
        ("DOCSHELF_TOKEN",),
        "Bearer token HTTP clients must send (`serve --http`); required off localhost.",
    ),
    Setting(
        "allowed_origins",
        "list",
        "",
        ("DOCSHELF_ALLOWED_ORIGINS",),
        "Comma-separated browser origins the HTTP server accepts besides localhost ones.",
    ),
    Setting(
        "http_header_timeout",
        "float",
        "10",
        ("DOCSHELF_HTTP_HEADER_TIMEOUT",),
        "Seconds an HTTP client gets to send a request's headers (from connecting, or from "
        "the first byte of a later request); slower connections are closed.",
    ),
    Setting(
        "http_body_timeout",
        "float",
        "30",
        ("DOCSHELF_HTTP_BODY_TIMEOUT",),
        "Seconds an HTTP client gets to send a request's body once its headers are in.",
    ),
    Setting(
        "http_idle_timeout",
        "float",
        "5",
        ("DOCSHELF_HTTP_IDLE_TIMEOUT",),
        "Seconds an HTTP connection may stay idle between requests before it is closed.",
    ),
    Setting(
        "max_answer_tokens",
        "int",
        "8000",
        ("DOCSHELF_MAX_ANSWER_TOKENS",),
        "Most tokens (about 4 characters each) in one MCP tool answer, and the most a "
        "max_tokens argument may ask for; longer answers come in parts (offset).",
    ),
    Setting(
        "max_request_kb",
        "int",
        "1024",
        ("DOCSHELF_MAX_REQUEST_KB",),
        "Largest HTTP request body the server reads (KiB); bigger ones get 413.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting_value(name: str, environ: Mapping[str, str] | None = None) -> Value:
    """A setting's value: the first of its environment variables that is set, else its
    default, parsed into its type."""
    setting = _BY_NAME[name]
    env = os.environ if environ is None else environ
    for var in setting.env:
        raw = env.get(var)
        if raw:
            return setting.parse(raw, var)
    return setting.parse(setting.default)


def get_setting(name: str, environ: Mapping[str, str] | None = None) -> str:
    """A str setting's value (see setting_value)."""
    return _typed(name, "str", str, environ)


def get_int(name: str, environ: Mapping[str, str] | None = None) -> int:
    return _typed(name, "int", int, environ)


def get_float(name: str, environ: Mapping[str, str] | None = None) -> float:
    return _typed(name, "float", float, environ)


def get_bool(name: str, environ: Mapping[str, str] | None = None) -> bool:
    return _typed(name, "bool", bool, environ)


def get_list(name: str, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    return _typed(name, "list", tuple, environ)


def find_path(name: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """A path setting's value, or None when it is not set and has no default."""
    if _BY_NAME[name].kind != "path":
        _wrong(name, "path")
    value = setting_value(name, environ)
    return value if isinstance(value, Path) else None


def _typed(name: str, kind: Kind, cls: type[_T], environ: Mapping[str, str] | None) -> _T:
    if _BY_NAME[name].kind != kind:
        _wrong(name, kind)
    value = setting_value(name, environ)
    if not isinstance(value, cls):
        raise TypeError(f"setting {name!r} parsed to {value!r}, not a {kind}")
    return value


def _wrong(name: str, kind: str) -> NoReturn:
    raise TypeError(f"setting {name!r} is a {_BY_NAME[name].kind}, not a {kind}")


def child_environment() -> dict[str, str]:
    """A copy of this process's environment for a program docshelf runs (git), which the
    caller trims; settings are still read only through the table above."""
    return dict(os.environ)


def data_home(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: an explicit override (--home), else DOCSHELF_HOME, else the
    platform's user data directory. The one place DOCSHELF_HOME is read."""
    if override:
        return Path(override).expanduser()
    configured = find_path("home")
    if configured is not None:
        return configured
    from platformdirs import user_data_path

    return user_data_path("docshelf", appauthor=False)
