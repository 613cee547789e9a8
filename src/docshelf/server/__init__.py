"""MCP adapter: docshelf's tools, resources and prompts over the official SDK's MCPServer.

`build_server(shelf, profile=...)` makes the server; `serve(shelf, ...)` runs it over stdio
or HTTP (what `docshelf serve` calls). The modules: `app` (building and running),
`tooling` (shared state, tool registration and error conversion), one module per tool
capability (`core_tools`, `version_tools`, `profiles/`), `resources`, `completion`,
`middleware`, `background` (work started beside serving) and `http` (the transport).
"""

from docshelf.server.app import build_server, serve

__all__ = ["build_server", "serve"]
