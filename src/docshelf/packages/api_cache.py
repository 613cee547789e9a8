"""API listings and details kept on disk per installed package version, so the next
question (from this process or the next one) does not read the package again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from docshelf.constants import VERSION
from docshelf.files import write_atomically
from docshelf.packages.api_records import (
    DocSection,
    ExportDetail,
    ExportList,
    ExportRecord,
    MemberRecord,
    PackageRecord,
)

FORMAT = 3  # bump when the records or how they are read change


class ApiCache:
    """JSON files under `folder` (None: no cache), keyed by what identifies one install."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self.folder = Path(folder) if folder is not None else None

    def get_list(self, key: str) -> ExportList | None:
        data = self._read("list", key)
        if data is None:
            return None
        try:
            return ExportList(
                package=PackageRecord(
                    **{**data["package"], "modules": tuple(data["package"]["modules"])}
                ),
                module=data["module"],
                exports=tuple(ExportRecord(*row) for row in data["exports"]),
                problems=tuple(data["problems"]),
                docstring_style=data["docstring_style"],
            )
        except (KeyError, TypeError):
            return None

    def put_list(self, key: str, value: ExportList) -> None:
        # Rows, not objects: a package with thousands of exports loads twice as fast. Built
        # by hand: asdict/astuple copy every record deeply, which made writing @mastra/core's
        # 3,632 exports three times slower.
        data = {
            "package": asdict(value.package),
            "module": value.module,
            "exports": [
                (e.name, e.kind, e.module, e.file, e.line, e.summary) for e in value.exports
            ],
            "problems": list(value.problems),
            "docstring_style": value.docstring_style,
        }
        self._write("list", key, data)

    def get_detail(self, key: str) -> ExportDetail | None:
        data = self._read("detail", key)
        if data is None:
            return None
        data.pop("key", None)
        try:
            package = data.pop("package")
            return ExportDetail(
                package=PackageRecord(**{**package, "modules": tuple(package["modules"])}),
                **{
                    **data,
                    "docstring": tuple(
                        DocSection(s["title"], tuple(s["lines"])) for s in data["docstring"]
                    ),
                    "bases": tuple(data["bases"]),
                    "members": tuple(MemberRecord(**m) for m in data["members"]),
                    "docs": (),
                    "notes": tuple(data["notes"]),
                },
            )
        except (KeyError, TypeError):
            return None

    def put_detail(self, key: str, value: ExportDetail) -> None:
        data = asdict(value)
        data["docs"] = []  # links depend on the index, which changes; found per call
        self._write("detail", key, data)

    def _path(self, kind: str, key: str) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(f"{FORMAT}\0{VERSION}\0{key}".encode()).hexdigest()[:32]
        return self.folder / kind / f"{digest}.json"

    def _read(self, kind: str, key: str) -> dict[str, Any] | None:
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("key") == key else None

    def _write(self, kind: str, key: str, data: dict[str, Any]) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_atomically(path, json.dumps({**data, "key": key}, ensure_ascii=False))
