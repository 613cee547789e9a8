"""Course progress files: read, validate and merge them, back up damaged ones, write atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from docshelf.errors import StoreError
from docshelf.files import write_atomically

StepStatus = Literal["todo", "started", "done"]
Progress = dict[str, dict[str, StepStatus]]  # lesson name -> step name -> status
Outline = Mapping[str, Sequence[str]]  # lesson name -> step names, in course order
FORMAT = 1
_STATUSES = ("todo", "started", "done")


@dataclass(frozen=True)
class SavedProgress:
    """What a progress file holds: each step's status and the step open when it was saved."""

    lessons: Progress
    current: tuple[str, str] | None  # (lesson name, step name)


def blank_progress(outline: Outline) -> Progress:
    """Every step of the course as not started."""
    return {lesson: {step: "todo" for step in steps} for lesson, steps in outline.items()}


def merge_progress(outline: Outline, saved: Progress, content: str) -> tuple[Progress, list[str]]:
    """Carry saved statuses over to the lessons of `content`'s course; say what changed."""
    progress: Progress = {}
    for lesson, steps in outline.items():
        kept = saved.get(lesson, {})
        progress[lesson] = {step: kept.get(step, "todo") for step in steps}
    old = {(name, step) for name, steps in saved.items() for step in steps}
    new = {(name, step) for name, steps in progress.items() for step in steps}
    notices = []
    if old != new:
        added = [n for n in progress if n not in saved]
        gone = [n for n in saved if n not in progress]
        notices.append(
            f"The course changed in {content}: {len(new - old)} new step(s), "
            f"{len(old - new)} step(s) dropped"
            + (f"; new lessons: {', '.join(added)}" if added else "")
            + (f"; lessons no longer in the course: {', '.join(gone)}" if gone else "")
            + ". Steps you finished keep their status."
        )
    return progress, notices


def read_progress(file: Path) -> tuple[SavedProgress | None, str | None]:
    """The saved progress, or None; a damaged file is moved aside and reported."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise StoreError(
            f"Cannot read course progress {file}: {exc}. Check the file's permissions, or "
            "delete it to start the course over."
        ) from exc
    try:
        data = _validate(json.loads(raw.decode("utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        backup = file.with_name(f"{file.name}.corrupt-{stamp}")
        os.replace(file, backup)
        return None, (
            f"Your course progress file {file} could not be read ({exc}); progress was reset "
            f"and the old file backed up to {backup}."
        )
    current = data.get("current")
    here = (current["lesson"], current["step"]) if current else None
    return SavedProgress(data["lessons"], here), None


def write_progress(
    file: Path, content: str, current: tuple[str, str] | None, lessons: Progress
) -> None:
    """Save the progress through `content`'s course (a NAME@VERSION), replacing the file whole."""
    here = {"lesson": current[0], "step": current[1]} if current else None
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    data = {"format": FORMAT, "content": content, "current": here}
    _write(file, {**data, "lessons": lessons, "updated_at": stamp})


def _validate(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a format-{FORMAT} progress file")
    lessons, current = data["lessons"], data.get("current")
    if not isinstance(lessons, dict) or not all(
        isinstance(steps, dict) and set(steps.values()) <= set(_STATUSES)
        for steps in lessons.values()
    ):
        raise ValueError("lessons must map each lesson to {step: todo|started|done}")
    if current is not None and not (
        isinstance(current, dict)
        and all(isinstance(current.get(k), str) for k in ("lesson", "step"))
    ):
        raise ValueError("current must be null or {lesson, step}")
    return data


def _write(file: Path, data: dict[str, Any]) -> None:
    write_atomically(file, json.dumps(data, indent=2) + "\n")
