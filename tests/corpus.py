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


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
