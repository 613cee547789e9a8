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

# What a docs page is, from where its library keeps it (parsing/page_kinds.py): ranking
# lowers the kinds that retell other pages (courses, blog posts, changelogs) and searches
# can keep to some kinds.
PageKind = Literal[
    "guide", "tutorial", "course", "reference", "api", "example", "changelog", "blog"
]
PAGE_KINDS: tuple[PageKind, ...] = get_args(PageKind)

PageStatus = Literal["added", "removed", "renamed", "modified"]  # a page in a docs diff
PAGE_STATUSES: tuple[PageStatus, ...] = get_args(PageStatus)

# The longest docs path (in characters) that is indexed and that a read accepts: one limit
# for both, so every page that is listed can also be read.
MAX_PATH_CHARS = 1024

LOG_LEVELS = ("debug", "info", "warning", "error", "none")  # of `serve`'s stderr log

# The command that puts back what semantic search needs, in one place. Semantic search is
# part of the default install, so the README's one install command gives it; this form is
# for an environment a package went missing from: messages fill in the running
# interpreter's pip (`{pip}`) and the packages as docshelf pins them (`{requirements}`),
# see `docshelf.install.semantic_install_command`.
SEMANTIC_INSTALL = "{pip} install {requirements}"

# What `serve` adds on first run (the settings' defaults) and what messages suggest adding.
DEFAULT_SOURCE = "npm:@mastra/mcp-docs-server"
DEFAULT_NAME = "mastra"

# Where a package's docs come from (`add --from`): its own files, its repository at the
# release's tag, or the docs website its metadata names (PyPI project_urls, npm homepage).
DocsFrom = Literal["tarball", "repo", "site"]
DOCS_FROM: tuple[DocsFrom, ...] = get_args(DocsFrom)
