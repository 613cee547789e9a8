"""The MCP SDK's own start-up floor: a bare MCPServer with one tool, over stdio."""

from mcp.server.mcpserver import MCPServer

server = MCPServer(name="floor")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


if __name__ == "__main__":
    server.run("stdio")
