"""`python -m docshelf` runs the CLI."""

from docshelf.cli import main

main()
