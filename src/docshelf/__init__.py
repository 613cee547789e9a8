"""docshelf: version-matched library docs for AI coding agents.

The public API (everything else may change):

- Libraries: ``add_library``, ``remove_library``, ``list_libraries``, ``open_store``
- Search and read: ``search_docs``, ``read_docs``
- Data: ``Library``, ``Page``, ``Section``, ``Hit``, ``ReadResult``
- Errors: ``DocshelfError`` and its subclasses in ``docshelf.errors``
"""

from __future__ import annotations

__version__ = "0.1.0"
