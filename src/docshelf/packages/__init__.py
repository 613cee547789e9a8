"""A project's installed packages: their embedded docs and their API surfaces."""
