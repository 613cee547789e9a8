"""Reading the index: docs paths, pages, sections and listings, token budgets, answer text."""
