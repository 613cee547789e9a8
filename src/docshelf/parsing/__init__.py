"""Markdown (and later reStructuredText, HTML) -> pages -> sections with heading paths."""
