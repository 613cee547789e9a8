"""MCP adapter: the docshelf tools, resources and prompts over the official SDK's MCPServer."""
