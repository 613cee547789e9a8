import pytest

import docshelf


def test_every_public_name_resolves_lazily():
    assert set(docshelf.__all__) == {"__version__", *docshelf._EXPORTS}
    for name in docshelf.__all__:
        assert getattr(docshelf, name) is not None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        docshelf.no_such_name  # noqa: B018
