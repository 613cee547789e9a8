"""The settings table: each value parsed once into its type, a bad one named with its fix."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from docshelf.errors import UsageError
from docshelf.settings import (
    SETTINGS,
    data_home,
    find_path,
    get_bool,
    get_float,
    get_int,
    get_list,
    get_setting,
    setting_value,
)


def test_every_default_parses_into_its_type():
    kinds = {"str": str, "int": int, "float": float, "bool": bool, "list": tuple}
    for setting in SETTINGS:
        value = setting_value(setting.name, {})
        if setting.kind == "path":
            assert value is None  # no default: the platform's data directory is used
        else:
            assert isinstance(value, kinds[setting.kind]), setting.name


def test_values_come_from_the_first_variable_set():
    env = {"npm_config_registry": "https://b.example", "NPM_CONFIG_REGISTRY": "https://c.example"}
    assert get_setting("npm_registry", env) == "https://b.example"
    env["DOCSHELF_NPM_REGISTRY"] = "https://a.example"
    assert get_setting("npm_registry", env) == "https://a.example"
    assert get_setting("npm_registry", {"DOCSHELF_NPM_REGISTRY": ""}) == (
        "https://registry.npmjs.org"
    )


def test_typed_values_are_parsed():
    assert get_float("http_timeout", {"DOCSHELF_HTTP_TIMEOUT": " 2.5 "}) == 2.5
    assert get_int("max_request_kb", {"DOCSHELF_MAX_REQUEST_KB": "64"}) == 64
    assert get_list("allowed_origins", {"DOCSHELF_ALLOWED_ORIGINS": "a, ,b,"}) == ("a", "b")
    assert get_setting("log_level", {"DOCSHELF_LOG_LEVEL": "DEBUG"}) == "debug"
    home = find_path("home", {"DOCSHELF_HOME": "~/docs-home"})
    assert home == Path("~/docs-home").expanduser()


@pytest.mark.parametrize(
    ("value", "expected"), [("auto", True), ("on", True), ("OFF", False), ("0", False)]
)
def test_semantic_is_a_switch(value: str, expected: bool):
    assert get_bool("semantic", {"DOCSHELF_SEMANTIC": value}) is expected


@pytest.mark.parametrize(
    ("name", "var", "value", "wanted"),
    [
        ("http_timeout", "DOCSHELF_HTTP_TIMEOUT", "soon", "a positive number"),
        ("http_timeout", "DOCSHELF_HTTP_TIMEOUT", "-1", "a positive number"),
        ("max_archive_mb", "DOCSHELF_MAX_ARCHIVE_MB", "nan", "a positive number"),
        ("max_request_kb", "DOCSHELF_MAX_REQUEST_KB", "1.5", "a whole number"),
        ("semantic", "DOCSHELF_SEMANTIC", "maybe", "auto or off"),
        ("log_level", "DOCSHELF_LOG_LEVEL", "loud", "one of debug, info, warning, error, none"),
    ],
)
def test_a_bad_value_names_its_variable_and_a_good_value(name, var, value, wanted):
    with pytest.raises(UsageError) as caught:
        setting_value(name, {var: value})
    message = str(caught.value)
    assert message.startswith(f"{var} must be {wanted}, not {value!r}.")
    assert "Set it to e.g." in message


def test_a_home_that_is_a_file_is_refused(tmp_path: Path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"DOCSHELF_HOME must be a folder, but .* is a file"):
        find_path("home", {"DOCSHELF_HOME": str(tmp_path / "file")})


def test_asking_for_the_wrong_type_is_a_programming_error():
    with pytest.raises(TypeError, match="is a float"):
        get_int("http_timeout", {})


def test_data_home_is_the_override_then_docshelf_home_then_the_platform_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_HOME", str(tmp_path / "env"))
    assert data_home(tmp_path / "flag") == tmp_path / "flag"
    assert data_home() == tmp_path / "env"
    monkeypatch.delenv("DOCSHELF_HOME")
    assert data_home().name == "docshelf"


def test_only_the_settings_module_reads_the_environment():
    src = Path(__file__).resolve().parents[1] / "src" / "docshelf"
    readers = []
    for file in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            reads = (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")) or (
                isinstance(node, ast.keyword) and node.arg in ("envvar", "auto_envvar_prefix")
            )
            if reads:
                readers.append(file.relative_to(src).as_posix())
    assert sorted(set(readers)) == ["settings.py"]
