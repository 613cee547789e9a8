"""The website cache: pages named by id, swapped in whole, state read back."""

from __future__ import annotations

from docshelf.sources.web_cache import SiteCache, page_file
from docshelf.sources.web_client import Validators
from docshelf.sources.web_scope import parse_site_url


def test_a_folder_index_and_its_pages_live_side_by_side(tmp_path):
    assert page_file(tmp_path, "guide") == tmp_path / "guide.md"
    assert page_file(tmp_path, "guide/config") == tmp_path / "guide" / "config.md"


def test_a_committed_snapshot_replaces_the_previous_one_and_remembers_validators(tmp_path):
    cache = SiteCache(tmp_path, parse_site_url("https://acme.dev/docs/"))
    first = cache.writer()
    first.write("https://acme.dev/docs/", "https://acme.dev/docs/", "index", "# Old\n",
                Validators('"1"', None), ("https://acme.dev/docs/a",))  # fmt: skip
    first.write("https://acme.dev/docs/gone", "https://acme.dev/docs/gone", "gone", "# Gone\n",
                Validators(), ())  # fmt: skip
    first.commit()
    second = cache.writer()
    second.write("https://acme.dev/docs/", "https://acme.dev/docs/", "index", "# New\n",
                 Validators(None, "Wed, 01 Jan 2025 00:00:00 GMT"), ())  # fmt: skip
    second.commit()
    assert sorted(p.name for p in cache.pages_dir.iterdir()) == ["index.md"]
    entry = cache.load()["https://acme.dev/docs/"]
    assert entry.validators.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert cache.previous_text(entry) == "# New\n"
    assert [p.name for p in cache.root.iterdir() if p.name.startswith(".")] == []


def test_a_discarded_snapshot_leaves_the_previous_one(tmp_path):
    cache = SiteCache(tmp_path, parse_site_url("https://acme.dev/docs/"))
    kept = cache.writer()
    kept.write("https://acme.dev/docs/", "https://acme.dev/docs/", "index", "# Kept\n",
               Validators(), ())  # fmt: skip
    kept.commit()
    failed = cache.writer()
    failed.write("https://acme.dev/docs/", "https://acme.dev/docs/", "index", "# No\n",
                 Validators(), ())  # fmt: skip
    failed.discard()
    assert (cache.pages_dir / "index.md").read_text() == "# Kept\n"


def test_a_damaged_state_file_means_nothing_cached(tmp_path):
    cache = SiteCache(tmp_path, parse_site_url("https://acme.dev/docs/"))
    cache.root.mkdir(parents=True)
    (cache.root / "state.json").write_text("{not json")
    assert cache.load() == {}
