"""Small markdown trees for tests, and a helper that writes them."""

from __future__ import annotations

from pathlib import Path

CORPUS = {
    "index.md": "# Example docs\n\nWelcome to the example docs.\n",
    "docs/index.md": "# Guides\n\nStart here.\n",
    "docs/agents/overview.md": (
        "---\ntitle: Agents overview\ntags: [agents, intro]\n---\n"
        "# Agents\n\nAgents use models and tools to solve tasks.\n\n"
        "## Memory\n\nGive an agent memory so it remembers earlier conversations.\n\n"
        "## Tools\n\nAgents call tools with an input schema.\n"
    ),
    "docs/agents/using-tools.md": (
        "# Using tools\n\nDefine a tool with `createTool` and an input schema.\n\n"
        "```ts\n# not a heading\nconst tool = createTool({ id: 'weather' });\n```\n\n"
        "## Streaming\n\nTools can stream partial results.\n"
    ),
    "docs/workspace/sandbox.md": (
        "# Sandbox\n\nRun commands in an isolated sandbox.\n\n"
        "## Dynamic sandbox\n\nA resolver receives `requestContext` and returns a sandbox per "
        "tenant, so every tenant gets its own sandbox directory.\n"
    ),
    "reference/tools/create-tool.md": (
        "# createTool()\n\nCreates a tool an agent can call.\n\n## Parameters\n\n"
        "### id\n\nUnique identifier.\n\n### inputSchema\n\nZod schema for the input.\n"
    ),
    "reference/core/getAgentById.md": (
        "# Mastra.getAgentById()\n\nReturns the agent registered under an id.\n"
    ),
    "reference/memory/semantic-recall.md": (
        "# Semantic recall\n\nRecall relevant messages from earlier threads using vector search.\n"
    ),
}


# Two versions of one library, for diffs: a modified page, a rename, an added and a removed one.
SETUP_V1 = """\
# Setup

Install the package and create a client.

## Install

```sh
npm install @acme/docs
```

## Configure

Set `ACME_KEY` in the environment.

## Legacy options

The `retries` option is deprecated.
"""

SETUP_V2 = """\
# Setup

Install the package and create a client.

## Install

```sh
npm install @acme/docs@2
```

## Configure

Set `ACME_KEY` in the environment.

## Streaming

Pass `stream: true` to get tokens as they arrive.
"""

MOVED = """\
# Agents

Agents call models and tools in a loop until the task is done or a step limit is hit.
They keep memory across threads, stream their output and can be suspended for approval.

## Tools

Give an agent tools with an input schema; the model picks which one to call.
"""

V1 = {
    "index": "# Demo\n\nWelcome to the demo docs.\n",
    "guide/setup": SETUP_V1,
    "guide/agents": MOVED,
    "guide/legacy": "# Legacy\n\nThe old API, kept for reference.\n",
}
V2 = {
    "index": V1["index"],
    "guide/setup": SETUP_V2,
    "concepts/agents": MOVED.replace("step limit", "maximum step count"),
    "guide/streaming": "# Streaming\n\nStream tokens with `agent.stream()`.\n",
}
SOURCE = "npm:@acme/docs@{}"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
