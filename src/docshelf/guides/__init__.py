"""Guides built from a library's docs: migration guides, the course, and the prompts."""
