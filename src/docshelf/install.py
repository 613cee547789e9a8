"""How docshelf was installed, and the command that adds semantic search to that install.

`pip install 'docshelf[semantic]'` only works where pip can find docshelf itself, which is
not on an index: from a checkout the extra installs from that folder, from anything else
its packages are named one by one. Either way pip is the running interpreter's, so the
command changes the environment docshelf runs in, activated or not.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from docshelf.constants import SEMANTIC_EXTRA, SEMANTIC_INSTALL

DISTRIBUTION = "docshelf"


@dataclass(frozen=True)
class InstallOrigin:
    """The checkout docshelf was installed from (None: a wheel or an index), and whether
    the install is editable (`pip install -e`)."""

    checkout: Path | None
    editable: bool = False


def install_origin() -> InstallOrigin:
    """Where the running docshelf came from, read from its PEP 610 `direct_url.json`."""
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return InstallOrigin(None)
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return InstallOrigin(None)
    url = urlparse(str(data.get("url", "")))
    folder = Path(unquote(url.path))
    dir_info = data.get("dir_info")
    if url.scheme != "file" or not isinstance(dir_info, dict):
        return InstallOrigin(None)  # an archive or a VCS URL: nothing local to install from
    if not (folder / "pyproject.toml").is_file():
        return InstallOrigin(None)  # the checkout has moved or gone
    return InstallOrigin(folder, bool(dir_info.get("editable")))


def extra_requirements(extra: str = SEMANTIC_EXTRA) -> list[str]:
    """The requirements an extra of the installed docshelf adds, e.g. 'numpy>=1.26'."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    return [req.split(";")[0].strip() for req in declared if marker.search(req)]


def semantic_install_command(origin: InstallOrigin | None = None) -> str:
    """`SEMANTIC_INSTALL` for this install: runs as printed, from any folder."""
    origin = origin or install_origin()
    pip = f"{shlex.quote(sys.executable)} -m pip"
    if origin.checkout is not None:
        target = shlex.quote(f"{origin.checkout}[{SEMANTIC_EXTRA}]")
        docshelf = f"-e {target}" if origin.editable else target
    else:
        packages = extra_requirements() or [f"docshelf[{SEMANTIC_EXTRA}]"]
        docshelf = " ".join(shlex.quote(p) for p in packages)
    return SEMANTIC_INSTALL.format(pip=pip, docshelf=docshelf)


def readme_semantic_install() -> str:
    """The command as the README shows it: in the checkout, with its venv active."""
    return SEMANTIC_INSTALL.format(pip="pip", docshelf=f"'.[{SEMANTIC_EXTRA}]'")
