from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fake_python import make_dist, make_python_project, make_venv

from docshelf.packages import api
from docshelf.packages.errors import ModuleUnreadableError, NameNotFoundError
from docshelf.packages.project import Project, open_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    make_python_project(tmp_path / "app")
    return open_project(tmp_path / "app")


def names(listing) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {e.name: e.kind for e in listing.exports}


def test_all_is_honoured_and_re_exports_show_their_real_kind_and_place(project) -> None:
    listing = api.list_exports(project, "shapes")
    kinds = names(listing)
    assert kinds["Circle"] == "class" and kinds["area"] == "function"
    assert kinds["Square"] == "class" and kinds["units"] == "module"
    assert kinds["Missing"] == "unknown"  # in __all__ but nowhere to be found
    assert "Base" not in kinds  # not in __all__
    circle = next(e for e in listing.exports if e.name == "Circle")
    assert (circle.module, circle.file, circle.line) == ("shapes", "shapes/_impl.py", 17)
    assert circle.summary == "A circle of a given radius."


def test_public_submodules_are_listed_and_broken_ones_are_named_with_the_reason(project) -> None:
    kinds = names(api.list_exports(project, "shapes"))
    assert {"square", "broken", "fast", "typed_fast"} <= {
        n for n, k in kinds.items() if k == "module"
    }
    assert "_impl" not in kinds
    with pytest.raises(ModuleUnreadableError, match=r"syntax error in broken\.py line 1"):
        api.list_exports(project, "shapes.broken")
    with pytest.raises(ModuleUnreadableError, match=r"compiled module .*no \.pyi stub"):
        api.get_export(project, "shapes", "fast.anything")
    speed = api.get_export(project, "shapes", "typed_fast.speed")
    assert "def speed(x: int) -> int" in speed.signature


def test_a_name_defined_in_both_branches_of_type_checking_is_found_through_a_wildcard(
    project,
) -> None:
    kinds = names(api.list_exports(project, "lazy"))
    assert (kinds["Aware"], kinds["Plain"]) == ("class", "attribute")
    aware = api.get_export(project, "lazy", "Aware")
    assert aware.kind == "class" and aware.path == "lazy.kinds.Aware"
    assert aware.file == "lazy/kinds.py"


def test_without_all_names_imported_from_other_packages_are_left_out(project) -> None:
    kinds = names(api.list_exports(project, "sphinxy"))
    assert {"join", "parse", "Helper", "helpers"} <= set(kinds)
    assert not {"os", "Any", "overload", "_hidden"} & set(kinds)


def test_a_class_shows_constructor_bases_parsed_google_docs_and_members(project) -> None:
    circle = api.get_export(project, "shapes", "Circle")
    assert circle.kind == "class" and circle.bases == ("Base",)
    assert circle.import_line == "from shapes import Circle"
    assert "def __init__(self, radius: float, *, label: str | None = None) -> None" in (
        circle.signature
    )
    sections = {s.title: s.lines for s in circle.docstring}
    assert sections["Parameters"] == ("- radius (float): The radius, in metres.",)
    assert "Examples" in sections
    members = {m.name: m for m in circle.members}
    assert members["scale"].signature == "scale(factor: float) -> Circle"
    assert members["diameter"].kind == "property"
    assert members["describe"].summary == "(from Base) Say what it is."
    assert "_secret" not in members


def test_a_member_path_gives_the_method_with_returns_and_raises(project) -> None:
    scale = api.get_export(project, "shapes", "Circle.scale")
    assert scale.kind == "method"
    assert scale.import_line == "from shapes import Circle  # then Circle.scale"
    sections = {s.title: s.lines for s in scale.docstring}
    assert sections["Returns"] == ("- (Circle): A new circle.",) or "A new circle." in str(
        sections["Returns"]
    )
    assert "ValueError" in sections["Raises"][0]


def test_positional_only_parameters_keep_their_marker(project) -> None:
    area = api.get_export(project, "shapes", "area")
    assert "def area(shape: Circle, /, precision: int = 2) -> float" in area.signature


def test_numpy_and_sphinx_docstrings_are_detected_per_package(project) -> None:
    assert api.list_exports(project, "numpy-stats").docstring_style == "numpy"
    mean = api.get_export(project, "numpy_stats", "mean")
    params = dict((s.title, s.lines) for s in mean.docstring)["Parameters"]
    assert params[0].startswith("- values (list of float): The numbers to average.")
    join = api.get_export(project, "sphinxy", "join")
    sections = {s.title: s.lines for s in join.docstring}
    assert sections["Parameters"][0] == "- a (str): The first string."
    assert "TypeError" in sections["Raises"][0]


def test_overloads_are_shown_before_the_implementation(project) -> None:
    parse = api.get_export(project, "sphinxy", "parse")
    assert parse.signature.count("@overload") == 2
    assert "def parse(value: bytes) -> int" in parse.signature


def test_a_stubs_package_is_preferred_for_signatures(project) -> None:
    greet = api.get_export(project, "fancy", "greet")
    assert "def greet(name: str) -> str" in greet.signature


def test_a_near_miss_suggests_close_names_of_the_package_or_the_class(project) -> None:
    with pytest.raises(NameNotFoundError, match="Did you mean: Circle"):
        api.get_export(project, "shapes", "circle")
    with pytest.raises(NameNotFoundError, match=r"Circle\.scale"):
        api.get_export(project, "shapes", "Circle.scal")


def test_circular_wildcard_imports_end(project) -> None:
    assert "b_func" in names(api.list_exports(project, "circular.a"))


def test_include_source_returns_the_definition_lines(project) -> None:
    scale = api.get_export(project, "shapes", "Circle.scale", include_source=True)
    assert scale.source is not None and scale.source.lstrip().startswith("def scale")
    assert scale.source_file == "shapes/_impl.py"
    diameter = api.get_export(project, "shapes", "Circle.diameter", include_source=True)
    assert diameter.source is not None and diameter.source.lstrip().startswith("@property")


def test_a_package_without_name_gives_its_readme_and_modules(project) -> None:
    page = api.get_export(project, "shapes")
    assert page.kind == "package" and [m.name for m in page.members] == ["shapes"]
    assert "Compute areas of shapes." in "\n".join(page.docstring[-1].lines)


def test_the_second_listing_comes_from_the_cache(project, tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = api.list_exports(project, "shapes", cache_dir=cache)
    from docshelf.packages import py_api

    monkeypatch.setattr(py_api, "python_exports", lambda *a, **k: pytest.fail("not cached"))
    again = api.list_exports(project, "shapes", "circ", cache_dir=cache)
    assert [e.name for e in again.exports] == ["Circle"]
    assert again.exports[0] == next(e for e in first.exports if e.name == "Circle")


def test_a_symlink_loop_inside_a_package_is_refused_without_hanging(project) -> None:
    site = project.python.site_packages[0]
    (site / "shapes" / "again").symlink_to(site / "shapes")
    listing = api.list_exports(project, "shapes")
    assert "again" in names(listing)
    with pytest.raises((ModuleUnreadableError, NameNotFoundError)) as raised:
        api.get_export(project, "shapes", "again.again.again.Circle")
    assert "symlink loop" in str(raised.value) or "no name" in str(raised.value)


def test_a_wildcard_import_of_a_looping_folder_lists_no_pseudo_name(tmp_path) -> None:
    site = make_venv(tmp_path / "loopy")
    make_dist(site, "loopy", "1.0.0", {"loopy/__init__.py": "from .sub import *\n"})
    (site / "loopy" / "sub").symlink_to(site)
    listing = api.list_exports(open_project(tmp_path / "loopy"), "loopy")
    assert all(e.name.isidentifier() for e in listing.exports), names(listing)
    assert any("symlink loop" in p for p in listing.problems)


def test_a_module_linking_outside_the_project_is_not_read(project, tmp_path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("TOKEN = 'CANARY'\n")
    site = project.python.site_packages[0]
    (site / "shapes" / "leak.py").symlink_to(secret)
    with pytest.raises(ModuleUnreadableError, match="leads outside the project"):
        api.get_export(project, "shapes", "leak.TOKEN", include_source=True)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX virtualenv layout")
def test_an_editable_install_of_the_project_is_read_from_its_source_folder(tmp_path) -> None:
    from fake_python import make_dist, make_venv, write

    root = tmp_path / "proj"
    site = make_venv(root)
    write(root / "src", {"mylib/__init__.py": "def hello() -> str:\n    '''Hi.'''\n"})
    make_dist(
        site,
        "mylib",
        "0.1.0",
        {"_mylib.pth": f"{root / 'src'}\n"},
        direct_url='{"url": "file:///x", "dir_info": {"editable": true}}',
    )
    (tmp_path / "outside").mkdir()
    write(site, {"_evil.pth": f"{tmp_path / 'outside'}\n"})
    project = open_project(root)
    assert "hello" in names(api.list_exports(project, "mylib"))
