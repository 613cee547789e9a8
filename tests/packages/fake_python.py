"""Small installed Python distributions, written by the tests into a fake virtualenv."""

from __future__ import annotations

import os
from pathlib import Path

SHAPES_INIT = '''\
"""Shapes and their areas."""

from shapes import units
from shapes._impl import Circle, area

__all__ = ["Circle", "Square", "area", "units", "Missing"]

from shapes.square import Square
'''

SHAPES_IMPL = '''\
"""The implementation, private by name."""

import math


class Base:
    """Anything with an area."""

    def describe(self) -> str:
        """Say what it is."""
        return type(self).__name__

    def _secret(self) -> None:
        pass


class Circle(Base):
    """A circle of a given radius.

    Args:
        radius: The radius, in metres.

    Examples:
        >>> Circle(2.0).radius
        2.0
    """

    def __init__(self, radius: float, *, label: str | None = None) -> None:
        self.radius = radius
        self.label = label

    def scale(self, factor: float) -> "Circle":
        """Grow or shrink the circle.

        Args:
            factor: How much bigger; below 1 shrinks it.

        Returns:
            A new circle.

        Raises:
            ValueError: When factor is not positive.
        """
        if factor <= 0:
            raise ValueError(factor)
        return Circle(self.radius * factor)

    @property
    def diameter(self) -> float:
        """Twice the radius."""
        return 2 * self.radius


def area(shape: Circle, /, precision: int = 2) -> float:
    """Area of a shape.

    Args:
        shape: The shape.
        precision: Digits after the point.

    Returns:
        The area in square metres.
    """
    return round(math.pi * shape.radius**2, precision)
'''

SQUARE = '''\
from shapes._impl import Base


class Square(Base):
    """A square."""

    side: float = 1.0
'''

UNITS = '''\
"""Units of measure."""

METRE = 1.0
"""One metre."""
'''

NUMPY_STATS = '''\
"""Statistics in NumPy style."""

__all__ = ["mean", "Summary"]


def mean(values: list[float], weights: list[float] | None = None) -> float:
    """Weighted mean of some values.

    Parameters
    ----------
    values : list of float
        The numbers to average.
    weights : list of float, optional
        One weight per value.

    Returns
    -------
    float
        The mean.
    """
    return sum(values) / len(values)


class Summary:
    """A summary of numbers.

    Parameters
    ----------
    count : int
        How many numbers.
    """

    def __init__(self, count: int) -> None:
        self.count = count
'''

SPHINX_TOOLS = '''\
"""Tools documented in Sphinx style; no __all__."""

import os
from typing import Any, overload

from sphinxy.helpers import Helper


def join(a: str, b: str) -> str:
    """Join two strings.

    :param a: The first string.
    :param b: The second string.
    :returns: Both, joined.
    :raises TypeError: When one is not a string.
    """
    return a + b


@overload
def parse(value: str) -> int: ...
@overload
def parse(value: bytes) -> int: ...
def parse(value: Any) -> int:
    """Parse a number."""
    return int(value)


def _hidden() -> None:
    pass
'''

FANCY_SOURCE = '''\
def greet(name):
    """Say hello."""
    return "hello " + name
'''

FANCY_STUB = '''\
def greet(name: str) -> str:
    """Say hello, typed."""
'''

CIRCULAR_A = "from circular.b import *\n"
CIRCULAR_B = "from circular.a import *\n\ndef b_func() -> None: ...\n"

# pydantic's layout: the package imports * only for type checkers and lazily at run time;
# a name is defined in both branches of `if TYPE_CHECKING:` in the module it comes from.
LAZY_INIT = """import typing

if typing.TYPE_CHECKING:
    from .kinds import *

__all__ = ('Aware', 'Plain')


def __getattr__(name):
    from . import kinds
    return getattr(kinds, name)
"""
LAZY_KINDS = """from typing import TYPE_CHECKING, Annotated

__all__ = ('Aware', 'Plain')

Plain = Annotated[int, 'plain']

if TYPE_CHECKING:
    Aware = Annotated[str, ...]
else:

    class Aware:
        \"\"\"A string that knows its zone.\"\"\"
"""


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_dist(
    site: Path,
    name: str,
    version: str,
    files: dict[str, str | bytes],
    *,
    summary: str = "",
    description: str = "",
    top_level: list[str] | None = None,
    record: bool = True,
    direct_url: str | None = None,
) -> Path:
    """Write a distribution's files and its .dist-info (METADATA, RECORD, top_level.txt)."""
    write(site, files)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if summary:
        metadata += f"Summary: {summary}\n"
    if description:
        metadata += "Description-Content-Type: text/markdown\n\n" + description
    (info / "METADATA").write_text(metadata, encoding="utf-8")
    if record:
        lines = [f"{relative},," for relative in files]
        lines.append(f"{info.name}/METADATA,,")
        (info / "RECORD").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if top_level is not None:
        (info / "top_level.txt").write_text("\n".join(top_level) + "\n", encoding="utf-8")
    if direct_url is not None:
        (info / "direct_url.json").write_text(direct_url, encoding="utf-8")
    return info


def make_venv(project: Path, python: str = "3.11") -> Path:
    """A virtualenv skeleton in project/.venv; returns its site-packages."""
    venv = project / ".venv"
    site = venv / "lib" / f"python{python}" / "site-packages"
    site.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(
        f"home = /usr/bin\ninclude-system-site-packages = false\nversion = {python}.4\n"
    )
    (venv / "bin").mkdir()
    (venv / "bin" / "python").write_text("#!/bin/sh\nexit 1\n")  # never run
    os.chmod(venv / "bin" / "python", 0o755)
    return site


def make_python_project(root: Path) -> Path:
    """A project with a virtualenv holding every fake distribution; returns site-packages."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["shapes>=1", "Numpy_Stats"]\n'
    )
    site = make_venv(root)
    make_dist(
        site,
        "shapes",
        "1.2.0",
        {
            "shapes/__init__.py": SHAPES_INIT,
            "shapes/_impl.py": SHAPES_IMPL,
            "shapes/square.py": SQUARE,
            "shapes/units.py": UNITS,
            "shapes/broken.py": "def broken(:\n    pass\n",
            "shapes/fast.cpython-311-x86_64-linux-gnu.so": b"\x7fELF\x02\x01\x01\x00binary",
            "shapes/typed_fast.cpython-311-x86_64-linux-gnu.so": b"\x7fELF\x02\x01\x01\x00",
            "shapes/typed_fast.pyi": "def speed(x: int) -> int:\n    '''Go fast.'''\n",
        },
        summary="Shapes and areas",
        description="# shapes\n\nCompute areas of shapes.\n",
        top_level=["shapes"],
    )
    make_dist(
        site,
        "numpy-stats",
        "0.3.0",
        {"numpy_stats.py": NUMPY_STATS},
        summary="Statistics",
    )
    make_dist(
        site,
        "sphinxy",
        "2.0.0",
        {
            "sphinxy/__init__.py": SPHINX_TOOLS,
            "sphinxy/helpers.py": "class Helper:\n    '''Helps.'''\n",
        },
    )
    make_dist(site, "fancy", "1.0.0", {"fancy/__init__.py": FANCY_SOURCE})
    make_dist(site, "fancy-stubs", "1.0.0.1", {"fancy-stubs/__init__.pyi": FANCY_STUB})
    make_dist(
        site,
        "circular",
        "0.1.0",
        {"circular/__init__.py": "", "circular/a.py": CIRCULAR_A, "circular/b.py": CIRCULAR_B},
    )
    make_dist(
        site,
        "lazy",
        "1.0.0",
        {"lazy/__init__.py": LAZY_INIT, "lazy/kinds.py": LAZY_KINDS},
    )
    make_dist(
        site,
        "compiled-only",
        "1.0.0",
        {"compiled_only.cpython-311-x86_64-linux-gnu.so": b"\x7fELF"},
    )
    return site
