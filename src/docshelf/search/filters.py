"""Which pages a search keeps: those under a path prefix, of some page kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docshelf.constants import PAGE_KINDS
from docshelf.errors import UsageError


@dataclass(frozen=True)
class PageFilter:
    """The pages a search keeps: under a path prefix, of some kinds (empty: no condition)."""

    path_prefix: str = ""
    kinds: tuple[str, ...] = ()  # parsing/page_kinds.py's kinds

    def subquery(self, version_ids: list[int]) -> tuple[str, list[object]]:
        """SQL selecting the ids of the kept pages of `version_ids`, and its parameters
        ("" when every page is kept)."""
        prefix = self.path_prefix.strip().strip("/")
        if not prefix and not self.kinds:
            return "", []
        sql = f"SELECT id FROM pages WHERE version_id IN ({','.join('?' * len(version_ids))})"
        params: list[object] = [*version_ids]
        if prefix:
            sql += " AND (path = ? OR substr(path, 1, ?) = ?)"
            params += [prefix, len(prefix) + 1, prefix + "/"]
        if self.kinds:
            sql += f" AND kind IN ({','.join('?' * len(self.kinds))})"
            params += self.kinds
        return sql, params


EVERY_PAGE = PageFilter()


def page_filter(path_prefix: str = "", kind: str | Sequence[str] | None = None) -> PageFilter:
    """The filter of a search under `path_prefix` of `kind`: one kind, a list of them, or
    several in one string, comma-separated ("guide,reference"); None or "" for any."""
    names = kind.split(",") if isinstance(kind, str) else list(kind or ())
    kinds = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
    unknown = [k for k in kinds if k not in PAGE_KINDS]
    if unknown:
        raise UsageError(
            f"Unknown page kind {', '.join(map(repr, unknown))}; use one or more of "
            f"{', '.join(PAGE_KINDS)} (comma-separated), or none for every page."
        )
    return PageFilter(path_prefix or "", kinds)
