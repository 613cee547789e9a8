"""npm lockfiles: each format's direct dependencies at their locked versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docshelf.packages.dependencies import Dependency
from docshelf.packages.errors import LockfileError
from docshelf.packages.lockfiles import read_dependencies


def write(root: Path, files: dict[str, str | dict]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = json.dumps(content, indent=2) if isinstance(content, dict) else content
        (root / name).write_text(text, encoding="utf-8")
    return root


def pinned(root: Path) -> dict[str, tuple[str | None, bool, str]]:
    return {d.name: (d.version, d.dev, d.file) for d in read_dependencies(root).dependencies}


MANIFEST = {
    "name": "my-app",
    "version": "1.0.0",
    "dependencies": {
        "react": "^18.2.0",
        "zod": "^3.22.0",
        "str": "npm:string-width@^4.2.0",
        "local-lib": "file:../local-lib",
    },
    "devDependencies": {"vitest": "^1.6.0"},
}


def test_package_lock_v3_reads_the_root_entry_and_node_modules_versions(tmp_path):
    lock = {
        "name": "my-app",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {k: v for k, v in MANIFEST.items() if k != "version"},
            "node_modules/react": {
                "version": "18.3.1",
                "resolved": "https://registry.npmjs.org/react/-/react-18.3.1.tgz",
                "integrity": "sha512-AAAA",
                "dependencies": {"loose-envify": "^1.1.0"},
            },
            "node_modules/loose-envify": {"version": "1.4.0"},
            "node_modules/zod": {"version": "3.23.8"},
            "node_modules/str": {"name": "string-width", "version": "4.2.3"},
            "node_modules/local-lib": {"resolved": "../local-lib", "link": True},
            "node_modules/vitest": {"version": "1.6.0", "dev": True},
        },
    }
    root = write(tmp_path, {"package.json": MANIFEST, "package-lock.json": lock})
    assert pinned(root) == {
        "react": ("18.3.1", False, "package-lock.json"),
        "zod": ("3.23.8", False, "package-lock.json"),
        "string-width": ("4.2.3", False, "package-lock.json"),
        "vitest": ("1.6.0", True, "package-lock.json"),
    }
    found = read_dependencies(root)
    assert found.files == ("package.json", "package-lock.json")
    assert any("local-lib (file:../local-lib) is not a registry package" in n for n in found.notes)
    assert found.find("react").spec == "npm:react@18.3.1"


def test_package_lock_v1_takes_direct_names_from_package_json(tmp_path):
    lock = {
        "name": "old-app",
        "lockfileVersion": 1,
        "requires": True,
        "dependencies": {
            "lodash": {"version": "4.17.21", "integrity": "sha512-BBBB"},
            "express": {"version": "4.18.2", "requires": {"ms": "2.0.0"}},
            "ms": {"version": "2.0.0"},
            "jest": {"version": "29.7.0", "dev": True},
            "old": {"version": "npm:left-pad@1.3.0"},
        },
    }
    manifest = {
        "dependencies": {"lodash": "^4.17.0", "express": "4.18.x", "old": "npm:left-pad@^1"},
        "devDependencies": {"jest": "^29.0.0"},
    }
    root = write(tmp_path, {"package.json": manifest, "npm-shrinkwrap.json": lock})
    assert pinned(root) == {
        "lodash": ("4.17.21", False, "npm-shrinkwrap.json"),
        "express": ("4.18.2", False, "npm-shrinkwrap.json"),
        "left-pad": ("1.3.0", False, "npm-shrinkwrap.json"),
        "jest": ("29.7.0", True, "npm-shrinkwrap.json"),
    }


def test_a_v1_lockfile_without_package_json_says_what_to_do(tmp_path):
    root = write(tmp_path, {"package-lock.json": {"lockfileVersion": 1, "dependencies": {}}})
    with pytest.raises(LockfileError, match=r"folder that holds the project's package\.json"):
        read_dependencies(root)


PNPM_9 = """lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.3.1
      react-dom:
        specifier: ^18.2.0
        version: 18.3.1(react@18.3.1)
      str:
        specifier: npm:string-width@^4.2.0
        version: string-width@4.2.3
      ui:
        specifier: workspace:*
        version: link:packages/ui
    devDependencies:
      typescript:
        specifier: ~5.4.0
        version: 5.4.5

  packages/ui:
    dependencies:
      clsx:
        specifier: ^2.1.0
        version: 2.1.1

packages:

  react@18.3.1:
    resolution: {integrity: sha512-CCCC}
    engines: {node: '>=0.10.0'}
"""

PNPM_6 = """lockfileVersion: '6.0'

settings:
  autoInstallPeers: true

dependencies:
  '@tanstack/react-query':
    specifier: ^5.0.0
    version: 5.40.0(react@18.3.1)
  react:
    specifier: ^18.2.0
    version: 18.3.1

devDependencies:
  vite:
    specifier: ^5.2.0
    version: 5.2.11(@types/node@20.12.7)

packages:

  /react@18.3.1:
    resolution: {integrity: sha512-CCCC}
    dev: false
"""

PNPM_5 = """lockfileVersion: 5.4

specifiers:
  react: ^18.2.0
  vite: ^4.0.0

dependencies:
  react: 18.2.0

devDependencies:
  vite: 4.5.3_@types+node@18.19.0

packages:

  /react/18.2.0:
    resolution: {integrity: sha512-DDDD}
    dev: false
"""


def test_pnpm_9_reads_the_root_importer_and_says_it_is_a_workspace(tmp_path):
    root = write(
        tmp_path, {"pnpm-lock.yaml": PNPM_9, "pnpm-workspace.yaml": "packages: [packages/*]"}
    )
    assert pinned(root) == {
        "react": ("18.3.1", False, "pnpm-lock.yaml"),
        "react-dom": ("18.3.1", False, "pnpm-lock.yaml"),
        "string-width": ("4.2.3", False, "pnpm-lock.yaml"),
        "typescript": ("5.4.5", True, "pnpm-lock.yaml"),
    }
    notes = read_dependencies(root).notes
    assert any("only the root" in n for n in notes)
    assert any("ui (workspace:*) is not a registry package" in n for n in notes)


def test_pnpm_6_and_5_formats_strip_peer_suffixes(tmp_path):
    assert pinned(write(tmp_path / "six", {"pnpm-lock.yaml": PNPM_6})) == {
        "@tanstack/react-query": ("5.40.0", False, "pnpm-lock.yaml"),
        "react": ("18.3.1", False, "pnpm-lock.yaml"),
        "vite": ("5.2.11", True, "pnpm-lock.yaml"),
    }
    five = read_dependencies(write(tmp_path / "five", {"pnpm-lock.yaml": PNPM_5}))
    assert {d.name: (d.version, d.wanted) for d in five.dependencies} == {
        "react": ("18.2.0", "^18.2.0"),
        "vite": ("4.5.3", "^4.0.0"),
    }


YARN_V1 = """# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.22.13":
  version "7.24.2"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.24.2.tgz#abc"
  integrity sha512-EEEE
  dependencies:
    "@babel/highlight" "^7.24.2"
    picocolors "^1.0.0"

lodash@^4.17.20, lodash@^4.17.21:
  version "4.17.21"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#def"

"str@npm:string-width@^4.2.0":
  version "4.2.3"
"""

YARN_BERRY = """# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"lodash@npm:^4.17.20, lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  checksum: 10c0/ffff
  languageName: node
  linkType: hard

"my-app@workspace:.":
  version: 0.0.0-use.local
  resolution: "my-app@workspace:."
  dependencies:
    lodash: "npm:^4.17.21"
    str: "npm:string-width@^4.2.0"
  languageName: unknown
  linkType: soft

"str@npm:string-width@^4.2.0":
  version: 4.2.3
  resolution: "string-width@npm:4.2.3"
  languageName: node
  linkType: hard
"""


@pytest.mark.parametrize("lock", [YARN_V1, YARN_BERRY], ids=["classic", "berry"])
def test_yarn_lock_matches_package_json_ranges_to_entries(tmp_path, lock):
    manifest = {
        "dependencies": {"lodash": "^4.17.21", "str": "npm:string-width@^4.2.0"},
        "devDependencies": {"@babel/code-frame": "^7.22.13", "missing": "^1.0.0"},
    }
    root = write(tmp_path, {"package.json": manifest, "yarn.lock": lock})
    found = pinned(root)
    assert found["lodash"] == ("4.17.21", False, "yarn.lock")
    assert found["string-width"] == ("4.2.3", False, "yarn.lock")
    assert found["missing"] == (None, True, "package.json")
    if lock is YARN_V1:
        assert found["@babel/code-frame"] == ("7.24.2", True, "yarn.lock")
    assert any(
        "missing is in package.json but not in yarn.lock" in n
        for n in read_dependencies(root).notes
    )


def test_package_json_alone_gives_unpinned_ranges(tmp_path):
    manifest = {
        "dependencies": {"hono": "^4.4.0", "exact": "2.0.1"},
        "devDependencies": {"tsx": "*"},
    }
    found = read_dependencies(write(tmp_path, {"package.json": manifest}))
    by_name = {d.name: d for d in found.dependencies}
    assert by_name["hono"] == Dependency("npm", "hono", None, False, "package.json", "^4.4.0")
    assert by_name["hono"].spec == "npm:hono@^4.4.0"
    assert by_name["exact"].version == "2.0.1"  # an exact range is what gets installed
    assert by_name["tsx"].dev
    assert any("no npm lockfile" in n for n in found.notes)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (
            "package-lock.json",
            '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {}\n    "x": 1\n',
            5,
        ),
        (
            "pnpm-lock.yaml",
            "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n"
            "      react: version: 1\n",
            5,
        ),
        ("yarn.lock", '# yarn lockfile v1\n\nlodash@^4.17.21\n  version "4.17.21"\n', 3),
    ],
)
def test_a_lockfile_that_does_not_parse_names_the_file_and_line(tmp_path, name, text, line):
    root = write(tmp_path, {"package.json": {"dependencies": {"lodash": "^4.17.21"}}, name: text})
    with pytest.raises(LockfileError, match=rf"{name}, line {line}: .*run `\w+ install`") as err:
        read_dependencies(root)
    assert (err.value.file, err.value.line) == (name, line)


def test_a_broken_package_json_is_named_with_its_line(tmp_path):
    root = write(
        tmp_path, {"package.json": '{\n  "dependencies": {\n    "a": "1"\n    "b": "2"\n}'}
    )
    with pytest.raises(LockfileError, match=r"package\.json, line 4"):
        read_dependencies(root)
