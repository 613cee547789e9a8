"""Small installed packages in both docs layouts (Agent Skill and legacy), written by the tests."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

# --- fixtures: small packages in the two layouts, written by the tests ----------------

SKILL_MD = """\
---
name: mastra-memory
description: Documentation for @mastra/memory. Use when working with @mastra/memory APIs.
metadata:
  package: "@mastra/memory"
  version: "1.31.0"
---

## When to use

Use this skill whenever you are working with @mastra/memory.

### Docs

- [Memory](references/docs-memory-overview.md) - Add memory to Mastra agents.

### Reference

- [Reference: Memory class](references/reference-memory-memory-class.md) - The Memory class.
"""

MEMORY_INDEX_DTS = """\
import { MastraMemory } from '@mastra/core/memory';
import { deepMerge } from './tools/merge.js';
export { deepMerge };
export * from './processors/index.js';
export { SemanticRecall } from '@mastra/core/processors';
/**
 * Gives agents conversation memory.
 *
 * @example
 * ```ts
 * export class NotReal {}
 * ```
 */
export declare class Memory extends MastraMemory {
    constructor(config?: {
        lastMessages?: number;
    });
    recall(threadId: string): Promise<string[]>;
}
/** Remembers a text. */
export declare function remember(text: string): void;
export declare function remember(text: string, scope: 'thread' | 'resource'): void;
export type MemoryScope = 'thread' | 'resource';
declare namespace internal {
    export class Hidden {
    }
}
"""

MEMORY_CHUNK_JS = """\
import { MastraMemory } from "@mastra/core/memory";
//#region src/index.ts
var Memory = class Memory extends MastraMemory {
\tconstructor(config = {}) {
\t\tsuper(config);
\t}
};
function remember(text, scope) {
\treturn [text, scope];
}
var Extractor = class Extractor {
\tconstructor(config) {
\t\tthis.name = config.name;
\t}
};
function deepMerge(a, b) {
\treturn { ...a, ...b };
}
//#endregion
export { Extractor as a, deepMerge as n, remember as r, Memory as t };
"""

MEMORY_FILES = {
    "dist/index.d.ts": MEMORY_INDEX_DTS,
    "dist/tools/merge.d.ts": (
        "/** Deep merges two objects. */\n"
        "export declare function deepMerge(a: object, b: object): object;\n"
    ),
    "dist/processors/index.d.ts": "export * from './om/index.js';\n",
    "dist/processors/om/index.d.ts": (
        "export { Extractor, type ExtractorConfig } from './extractor.js';\n"
    ),
    "dist/processors/om/extractor.d.ts": (
        "export interface ExtractorConfig {\n    name: string;\n}\n"
        "/** Pulls facts out of messages. */\n"
        "export declare class Extractor<T = unknown> {\n"
        "    constructor(config: ExtractorConfig);\n}\n"
    ),
    "dist/index.js": (
        "import { a as Extractor, n as deepMerge, r as remember, t as Memory }"
        ' from "./src-abc.js";\n'
        'import { SemanticRecall } from "@mastra/core/processors";\n'
        "export { Extractor, Memory, SemanticRecall, deepMerge, remember };\n"
    ),
    "dist/processors/index.js": (
        'import { a as Extractor } from "../src-abc.js";\nexport { Extractor };\n'
    ),
    "dist/src-abc.js": MEMORY_CHUNK_JS,
    "dist/docs/SKILL.md": SKILL_MD,
    "dist/docs/references/docs-memory-overview.md": "# Memory\n\nMemory gives agents context.\n",
    "dist/docs/references/reference-memory-memory-class.md": (
        "# Reference: Memory class\n\n`new Memory()` creates memory.\n"
    ),
    "dist/docs/assets/SOURCE_MAP.json": json.dumps(
        {
            "version": "1.31.0",
            "package": "@mastra/memory",
            "exports": {},
            "modules": {"processors": {"index": "dist/processors/index.js", "chunks": []}},
        }
    ),
}


def _conditional(stem: str) -> dict[str, object]:
    return {
        "import": {"types": f"./dist/{stem}.d.ts", "default": f"./dist/{stem}.js"},
        "require": {"types": f"./dist/{stem}.d.ts", "default": f"./dist/{stem}.cjs"},
    }


MEMORY_MANIFEST = {
    "name": "@mastra/memory",
    "version": "1.31.0",
    "exports": {
        ".": _conditional("index"),
        "./processors": _conditional("processors/index"),
        "./package.json": "./package.json",
    },
}

CORE_FILES = {
    "dist/index.d.ts": (
        "export { Agent } from './agent/agent.js';\n"
        "export { TripWire } from './agent/trip-wire.js';\n"
    ),
    "dist/agent/agent.d.ts": (
        "/**\n * The Agent class.\n */\nexport declare class Agent {\n"
        "    generate(prompt: string): Promise<string>;\n}\n"
    ),
    "dist/agent/trip-wire.d.ts": "export declare class TripWire extends Error {\n}\n",
    "dist/index.js": "export { Agent, TripWire } from './chunk-ABC.js';\n",
    "dist/chunk-ABC.js": (
        "// line 1\n// line 2\n// line 3\n// line 4\n"
        "var Agent = class extends MastraBase {\n"
        "  generate(prompt) {\n    return prompt;\n  }\n};\n"
        "var TripWire = class extends Error {\n};\n"
        "export { Agent, TripWire };\n"
    ),
    "dist/docs/SOURCE_MAP.json": json.dumps(
        {
            "version": "1.2.0",
            "package": "@mastra/core",
            "exports": {
                "Agent": {
                    "types": "dist/agent/agent.d.ts",
                    "implementation": "dist/chunk-ABC.js",
                    "line": 5,
                },
                "TripWire": {"types": "dist/index.d.ts", "implementation": "dist/chunk-ABC.js"},
            },
            "modules": {},
        }
    ),
    "dist/docs/SKILL.md": (
        "---\nname: mastra-core-docs\ndescription: Documentation for @mastra/core.\n---\n\n"
        "# @mastra/core Documentation\n\n> **Version**: 1.2.0\n"
    ),
    "dist/docs/README.md": "# @mastra/core Documentation\n",
    "dist/docs/agents/01-overview.md": "> Overview.\n\n# Using Agents\n\nAgents use LLMs.\n",
    "dist/docs/agents/02-using-tools.md": "# Using Tools\n\nTools extend agents.\n",
    "dist/docs/memory/01-overview.md": "# Memory\n\nMemory overview.\n",
}

CORE_MANIFEST = {
    "name": "@mastra/core",
    "version": "1.2.0",
    "main": "dist/index.js",
    "types": "dist/index.d.ts",
}


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_package(
    folder: Path, manifest: Mapping[str, object], files: dict[str, str] | None = None
) -> Path:
    write_files(folder, {"package.json": json.dumps(manifest), **(files or {})})
    return folder


def make_memory(node_modules: Path, version: str = "1.31.0") -> Path:
    manifest = {**MEMORY_MANIFEST, "version": version}
    return make_package(node_modules / "@mastra" / "memory", manifest, MEMORY_FILES)


def make_core(node_modules: Path) -> Path:
    return make_package(node_modules / "@mastra" / "core", CORE_MANIFEST, CORE_FILES)


def make_bare(node_modules: Path, name: str, version: str = "1.3.11") -> Path:
    return make_package(node_modules / name, {"name": name, "version": version})


def link(target: Path, at: Path) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, at, target_is_directory=target.is_dir())


# --- any package: a small npm package with an exports map, overloads, classes ---------

KIT_INDEX = """\
import type { Options } from './options.js';
export { Options };
export * from './util.js';
/**
 * Makes a kit.
 *
 * @param name - What to call it.
 * @returns A kit.
 * @example
 * ```ts
 * createKit('a')
 * ```
 */
export declare function createKit(name: string): Kit;
export declare function createKit(name: string, options: Options): Kit;
/** A kit of parts. */
export declare class Kit {
    readonly name: string;
    constructor(name: string);
    add(part: string): this;
}
export interface Part {
    id: number;
}
export type PartId = Part['id'];
export declare const VERSION = "2.1.0";
export { z } from 'zod';
"""

KIT_FILES = {
    "dist/index.d.ts": KIT_INDEX,
    "dist/options.d.ts": "export interface Options {\n    strict?: boolean;\n}\n",
    "dist/util.d.ts": (
        "/** Joins parts. */\nexport declare function join(parts: string[]): string;\n"
    ),
    "dist/server.d.ts": "export declare function serve(port: number): void;\n",
    "dist/index.js": (
        "export function createKit(name, options) {\n  return new Kit(name);\n}\n"
        "export class Kit {\n  constructor(name) { this.name = name; }\n}\n"
        "export const VERSION = '2.1.0';\nexport * from './util.js';\n"
    ),
    "dist/util.js": "export function join(parts) {\n  return parts.join('');\n}\n",
    "dist/server.js": "export function serve(port) {}\n",
    "README.md": "# kit\n\nBuild kits.\n",
}

KIT_MANIFEST = {
    "name": "kit",
    "version": "2.1.0",
    "description": "Kits of parts",
    "exports": {
        ".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"},
        "./server": {"types": "./dist/server.d.ts", "default": "./dist/server.js"},
        "./package.json": "./package.json",
    },
}


def make_kit(node_modules: Path) -> Path:
    return make_package(node_modules / "kit", KIT_MANIFEST, KIT_FILES)
