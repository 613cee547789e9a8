"""The records of an installed package's API, the same for Python and JavaScript packages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["python", "javascript"]


@dataclass(frozen=True)
class PackageRecord:
    """One installed package (an npm package or a Python distribution)."""

    name: str
    version: str
    language: Language
    summary: str  # package.json description, or the distribution's Summary
    direct: bool  # declared in the project's package.json or pyproject.toml
    location: str  # its folder (npm) or .dist-info folder (Python)
    modules: tuple[str, ...] = ()  # Python: top-level modules; npm: entry points


@dataclass(frozen=True)
class ExportRecord:
    """One public name of a package, with what it is and where to import it from."""

    name: str  # as imported: 'BaseModel', 'networks' (a submodule), 'Agent'
    kind: str  # class, function, attribute, module, type alias; interface, type, const, ...
    module: str  # where it is imported from: 'pydantic', '@mastra/core/agent'
    file: str | None = None  # relative to the package folder (Python: to site-packages)
    line: int | None = None
    summary: str = ""  # the first line of its docstring, when known


@dataclass(frozen=True)
class ExportList:
    """The public names of a package, or of one of its modules / entry points."""

    package: PackageRecord
    module: str | None  # the module or subpath asked for; None: the package's main ones
    exports: tuple[ExportRecord, ...]
    problems: tuple[str, ...] = ()  # what could not be read, and why
    docstring_style: str | None = None  # google, numpy or sphinx (Python)


@dataclass(frozen=True)
class DocSection:
    """One section of a parsed docstring: its title and its lines of text."""

    title: str  # "" for the description; Parameters, Returns, Raises, Examples, ...
    lines: tuple[str, ...]


@dataclass(frozen=True)
class MemberRecord:
    """A public member of a class or module, in one line."""

    name: str
    kind: str
    signature: str  # 'send(request, *, stream=False) -> Response', or an annotation
    summary: str = ""


@dataclass(frozen=True)
class DocLink:
    """A page of the package's indexed docs that mentions an export."""

    library: str
    version: str
    path: str
    title: str
    heading: str


@dataclass(frozen=True)
class ExportDetail:
    """One export in full: declaration, documentation, members and, on request, source."""

    package: PackageRecord
    name: str  # as asked for, e.g. 'Client' or 'Client.send'
    path: str  # where it is defined: 'httpx._client.Client', 'dist/agent/agent.d.ts'
    kind: str
    import_line: str  # 'from httpx import Client', "import { Agent } from '@mastra/core'"
    signature: str  # Python code or a TypeScript declaration
    signature_language: str  # 'python' or 'typescript'
    file: str | None = None
    line: int | None = None
    docstring: tuple[DocSection, ...] = ()
    bases: tuple[str, ...] = ()
    members: tuple[MemberRecord, ...] = ()
    source: str | None = None
    source_file: str | None = None
    source_line: int | None = None
    docs: tuple[DocLink, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what could not be shown, and where to look
