"""Versions side by side: docs diffs between versions, package changelogs and release news."""
