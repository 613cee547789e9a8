"""Python modules read statically with griffe's visitor: on demand, inside the project only.

griffe's own loader would import nothing either, but it walks whole packages (following
symlinks, so a loop never ends), adds any folder a .pth file names, and runs `git` in the
package's folder. This loader visits one module file at a time with `griffe.visit`, only
the modules an answer needs, from the search paths it was given: every file is checked to
lie inside the project before it is read, and module names cannot nest past a loop.
A module that cannot be read (syntax error, compiled without a `.pyi` stub, too big) is
recorded in `problems` with the reason, and the rest of the package still answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import griffe

from docshelf.packages.installed import real_path

MAX_MODULE_BYTES = 4_000_000  # bigger .py files are generated data, not API
MAX_MODULES = 3_000  # modules one loader visits, so a pathological package cannot stall it
MAX_DEPTH = 24  # dotted parts in a module name; deeper means a symlink loop
MAX_HOPS = 16  # aliases followed to reach an object
_COMPILED = (".so", ".pyd")

# griffe logs every docstring it cannot fully parse; those are the package's business.
logging.getLogger("griffe").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ModuleFiles:
    """The files of one module: its source, its stub, or only a compiled extension."""

    name: str
    source: Path | None  # .py
    stub: Path | None  # .pyi beside it, or in a `*-stubs` package (preferred)
    compiled: Path | None  # .so / .pyd, when there is no source
    dirs: tuple[Path, ...]  # a package's folders (source, stubs); several for a namespace

    @property
    def is_package(self) -> bool:
        return bool(self.dirs)


@dataclass(frozen=True)
class External:
    """An alias whose target lives outside the environment (the standard library, say)."""

    path: str


class StaticLoader:
    """Loads the modules of one environment on demand; not thread-safe (callers lock)."""

    def __init__(self, search_paths: list[Path], allows: Callable[[Path], bool]) -> None:
        self.search_paths = search_paths
        self.allows = allows
        self.modules_collection = griffe.ModulesCollection()
        self.lines_collection = griffe.LinesCollection()
        # Only for its expand_exports/expand_wildcards over our collections; it never loads.
        self._expander = griffe.GriffeLoader(
            search_paths=search_paths,
            modules_collection=self.modules_collection,
            lines_collection=self.lines_collection,
            allow_inspection=False,
        )
        self.problems: dict[str, str] = {}  # module -> why it could not be read
        self._modules: dict[str, griffe.Module | None] = {}
        self._files: dict[str, ModuleFiles | None] = {}
        self._loading: set[str] = set()
        self._wildcards: dict[str, list[str]] = {}  # module -> modules it imports * from

    # -- modules

    def module(self, name: str) -> griffe.Module | None:
        """The module `name` (dotted), visited with its parents; None when it does not
        exist or cannot be read (then `problems` says why)."""
        if name in self._modules:
            return self._modules[name]
        if name in self._loading or len(self._modules) >= MAX_MODULES:
            return None
        parts = name.split(".")
        if len(parts) > MAX_DEPTH or not all(p.isidentifier() for p in parts):
            return None
        parent = self.module(".".join(parts[:-1])) if len(parts) > 1 else None
        if len(parts) > 1 and parent is None:
            self._modules[name] = None
            return None
        self._loading.add(name)
        try:
            module = self._load(name, parent)
        finally:
            self._loading.discard(name)
        self._modules[name] = module
        if module is not None:
            self._expand(module)
        return module

    def files(self, name: str) -> ModuleFiles | None:
        """Where module `name` lives, or None."""
        if name not in self._files:
            self._files[name] = self._locate(name)
        return self._files[name]

    def submodules(self, name: str) -> list[str]:
        """Names of a package's submodules found on disk (public or not), sorted."""
        files = self.files(name)
        if files is None:
            return []
        found: set[str] = set()
        for folder in files.dirs:
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for entry in entries:
                stem = entry.name.split(".", 1)[0]
                if not stem.isidentifier() or stem == "__init__" or stem.endswith("-stubs"):
                    continue
                if entry.is_dir():
                    if (entry / "__init__.py").is_file() or (entry / "__init__.pyi").is_file():
                        found.add(stem)
                elif entry.suffix in (".py", ".pyi", *_COMPILED):
                    found.add(stem)
        return sorted(found)

    # -- objects

    def find(self, path: str) -> griffe.Object | griffe.Alias | External | None:
        """The object at a dotted path (a module, or a member of one), aliases followed."""
        return self._find(path, MAX_HOPS)

    def resolve(
        self, obj: griffe.Object | griffe.Alias, hops: int = MAX_HOPS
    ) -> griffe.Object | External | None:
        """`obj`, or what it stands for: the target of an import (loading its module), or
        of a module-level `Name = other.Name` assignment, as pydantic writes its re-exports."""
        while hops > 0:
            hops -= 1
            if isinstance(obj, griffe.Alias):
                target = self._find(obj.target_path, hops)
            elif (path := _assigned_path(obj)) is not None:
                target = self._find(path, hops)
                if target is None or isinstance(target, External):
                    return obj  # a plain attribute after all
            else:
                return obj
            if target is None or isinstance(target, External):
                return target
            if target is obj:
                return None
            obj = target
        return None

    def _find(self, path: str, hops: int) -> griffe.Object | griffe.Alias | External | None:
        parts = path.split(".")
        if not all(parts):
            return None
        for cut in range(len(parts), 0, -1):
            module_name = ".".join(parts[:cut])
            if self.files(module_name) is None:
                if cut == 1:
                    return External(path)
                continue
            obj: griffe.Object | griffe.Alias | External | None = self.module(module_name)
            for part in parts[cut:]:
                if obj is None or isinstance(obj, External):
                    return obj
                resolved = self.resolve(obj, hops) if isinstance(obj, griffe.Alias) else obj
                if resolved is None or isinstance(resolved, External):
                    return resolved
                obj = resolved.members.get(part)
                if obj is None and resolved.is_module:
                    obj = self.module(f"{resolved.path}.{part}")
                    if obj is None:
                        obj = self._from_wildcards(resolved.path, part)
            return obj
        return None

    def _from_wildcards(self, module: str, name: str) -> griffe.Object | griffe.Alias | None:
        """`name` as a `from x import *` of `module` brings it in, when griffe's expansion
        left it out: griffe drops names it takes for type-checking only, such as those
        defined in both branches of `if TYPE_CHECKING:` (pydantic's AwareDatetime)."""
        for source in self._wildcards.get(module, ()):
            mod = self.module(source)
            if mod is None or name.startswith("_"):
                continue
            if mod.exports is not None and name not in mod.exports:
                continue
            if name in mod.members:
                return mod.members[name]
        return None

    # -- reading files

    def _load(self, name: str, parent: griffe.Module | None) -> griffe.Module | None:
        files = self.files(name)
        if files is None:
            return None
        short = name.rsplit(".", 1)[-1]
        source = self._visit(name, short, files.source, parent) if files.source else None
        stub = self._visit(name, short, files.stub, parent) if files.stub else None
        module: griffe.Module | None
        if source is not None and stub is not None:
            try:
                module = griffe.merge_stubs(source, stub)
            except Exception:  # a stub that does not match its module: use the stub
                module = stub
        else:
            module = stub or source
        if module is None and files.source is None and files.stub is None:
            if files.compiled is not None:
                self.problems[name] = (
                    f"compiled module ({files.compiled.name}), no .pyi stub: static analysis "
                    "cannot read a binary"
                )
                return None
            if files.dirs:  # a namespace package: no __init__, only folders
                module = griffe.Module(
                    short,
                    filepath=list(files.dirs),
                    parent=parent,
                    lines_collection=self.lines_collection,
                    modules_collection=self.modules_collection,
                )
        if module is None:
            return None
        if parent is None:
            self.modules_collection.set_member(module.path, module)
        elif short not in parent.members:  # a name bound in the parent shadows it, as at run time
            parent.set_member(short, module)
        return module

    def _visit(
        self, name: str, short: str, path: Path, parent: griffe.Module | None
    ) -> griffe.Module | None:
        real = real_path(path)
        if real is None or not self.allows(real):
            self.problems[name] = f"{path} leads outside the project; not read"
            return None
        try:
            if real.stat().st_size > MAX_MODULE_BYTES:
                self.problems[name] = f"{path.name} is over {MAX_MODULE_BYTES // 1_000_000} MB"
                return None
            code = real.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.problems[name] = f"{path.name} is not UTF-8 text"
            return None
        except OSError as exc:
            self.problems[name] = f"{path.name} cannot be read ({exc.strerror or exc})"
            return None
        self.lines_collection[path] = code.splitlines()
        try:
            return griffe.visit(
                short,
                filepath=path,
                code=code,
                parent=parent,
                lines_collection=self.lines_collection,
                modules_collection=self.modules_collection,
            )
        except SyntaxError as exc:
            self.problems[name] = f"syntax error in {path.name} line {exc.lineno}: {exc.msg}"
        except RecursionError:
            self.problems[name] = f"{path.name} nests too deeply to parse"
        except Exception as exc:  # griffe on code it does not expect: report, carry on
            self.problems[name] = f"{path.name} could not be analysed ({type(exc).__name__})"
        return None

    def _expand(self, module: griffe.Module) -> None:
        """Fill in `from x import *` and `__all__ += x.__all__` from modules loaded for it."""
        wildcards: list[str] = [
            str(m.wildcard)
            for m in module.members.values()
            if isinstance(m, griffe.Alias) and getattr(m, "wildcard", None)
        ]
        self._wildcards[module.path] = wildcards
        for target in wildcards:
            self.module(target)
        for export in module.exports or ():
            if not isinstance(export, str):
                self.module(str(export.canonical_path).rsplit(".", 1)[0])
        try:
            if wildcards:
                self._expander.expand_wildcards(module, external=False)
            self._expander.expand_exports(module)
        except Exception:  # cyclic or unresolvable: keep the module as visited
            return

    def _locate(self, name: str) -> ModuleFiles | None:
        parts = name.split(".")
        if len(parts) == 1:
            bases = [(p, False) for p in self.search_paths]
            bases += [(p / f"{name}-stubs", True) for p in self.search_paths]
            return self._locate_in(name, name, bases, top=True)
        parent = self.files(".".join(parts[:-1]))
        if parent is None or not parent.dirs:
            return None
        bases = [(d, d.name.endswith("-stubs")) for d in parent.dirs]
        found = self._locate_in(name, parts[-1], bases, top=False)
        if found is not None and _loops(found.dirs, parent.dirs):
            self.problems[name] = "a symlink loop (the folder contains itself); not followed"
            return None
        return found

    def _locate_in(
        self, name: str, short: str, bases: list[tuple[Path, bool]], top: bool
    ) -> ModuleFiles | None:
        """The files of module `short` in `bases` ((folder, is a stubs package) pairs); the
        first folder holding it wins, stubs packages win over inline `.pyi` files."""
        source = inline = typed = compiled = None
        dirs: list[Path] = []
        namespace: list[Path] = []
        for base, stubs_dir in bases:
            if top and stubs_dir:  # `name-stubs/__init__.pyi` types the package `name`
                if (base / "__init__.pyi").is_file():
                    typed = typed or base / "__init__.pyi"
                    dirs.append(base)
                continue
            folder = base / short
            if folder.is_dir():
                init_py, init_pyi = folder / "__init__.py", folder / "__init__.pyi"
                if init_py.is_file() or init_pyi.is_file():
                    stub = init_pyi if init_pyi.is_file() else None
                    if stubs_dir:
                        typed = typed or stub
                    else:
                        source = source or (init_py if init_py.is_file() else None)
                        inline = inline or stub
                    dirs.append(folder)
                elif not stubs_dir:
                    namespace.append(folder)
                continue
            pyi = base / f"{short}.pyi"
            if stubs_dir:
                typed = typed or (pyi if pyi.is_file() else None)
                continue
            py = base / f"{short}.py"
            source = source or (py if py.is_file() else None)
            inline = inline or (pyi if pyi.is_file() else None)
            compiled = compiled or next(_compiled_files(base, short), None)
        stub = typed or inline
        if source is None and stub is None and not dirs:
            if compiled is not None:
                return ModuleFiles(name, None, None, compiled, ())
            if namespace:
                return ModuleFiles(name, None, None, None, tuple(namespace))
            return None
        return ModuleFiles(name, source, stub, None if source or stub else compiled, tuple(dirs))


def _assigned_path(obj: griffe.Object) -> str | None:
    """The dotted path a module attribute is bound to (`ValidationError =
    pydantic_core.ValidationError`), or None for any other value."""
    parent = obj.parent
    if obj.kind is not griffe.Kind.ATTRIBUTE or parent is None or not parent.is_module:
        return None
    value = getattr(obj, "value", None)
    if getattr(obj, "annotation", None) is not None:
        return None
    if not isinstance(value, griffe.ExprName | griffe.ExprAttribute):
        return None
    path = str(getattr(value, "canonical_path", "") or "")
    return path if path and path != obj.path and "." in path else None


def _compiled_files(base: Path, short: str) -> Iterator[Path]:
    try:
        entries = list(base.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(short + ".") and entry.suffix in _COMPILED:
            yield entry


def _loops(dirs: tuple[Path, ...], parents: tuple[Path, ...]) -> bool:
    """Whether a subpackage folder is (once links are followed) one of its parent folders
    or above them: a symlink loop."""
    parent_reals = [r for p in parents if (r := real_path(p)) is not None]
    for folder in dirs:
        real = real_path(folder)
        if real is None or any(p.is_relative_to(real) for p in parent_reals):
            return True
    return False
