"""Names shared by the core and both adapters: the version, search modes, profiles, statuses.

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
