"""Tool profiles: alternative MCP tool surfaces over the same core (e.g. a Mastra drop-in)."""
