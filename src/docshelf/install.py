"""The command that puts back what semantic search needs, for the install docshelf runs in.

Semantic search is part of docshelf's default install, so this command is only for an
environment a package went missing from (installed with `--no-deps`, or altered since).
Its packages are named one by one, as docshelf's own metadata pins them, so the command
works whether docshelf came from an index, a wheel or a checkout; and pip is the running
interpreter's, so it changes the environment docshelf runs in, activated or not.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, requires

from docshelf.constants import SEMANTIC_INSTALL

DISTRIBUTION = "docshelf"


def pinned_requirements(names: Sequence[str]) -> list[str]:
    """`names` as docshelf's own metadata pins them (`numpy>=1.26`); a name docshelf does
    not declare stays as it is."""
    try:
        declared = requires(DISTRIBUTION) or []
    except PackageNotFoundError:
        declared = []
    pins = {_name(r): r.split(";")[0].strip() for r in declared if "extra ==" not in r}
    return [pins.get(_name(name), name) for name in names]


def semantic_install_command(requirements: Sequence[str], *, reinstall: bool = False) -> str:
    """`SEMANTIC_INSTALL` for `requirements`, with the running interpreter's pip: it runs
    as printed, from any folder."""
    pip = f"{shlex.quote(sys.executable)} -m pip"
    names = " ".join(shlex.quote(r) for r in requirements)
    return SEMANTIC_INSTALL.format(
        pip=pip, requirements=f"--force-reinstall {names}" if reinstall else names
    )


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
