import sqlite3
from pathlib import Path

import pytest

np = pytest.importorskip("numpy", reason="semantic search tests need numpy (pip install -e .[dev])")

from fake_embedder import FakeEmbedder  # noqa: E402

from corpus import write_tree  # noqa: E402
from docshelf.search.semantic import SemanticSearch  # noqa: E402
from docshelf.search.vectors import (  # noqa: E402
    VectorIndex,
    build_vectors,
    coverage,
    has_tables,
    load_index,
)
from docshelf.shelf import Shelf  # noqa: E402
from docshelf.store import catalog, db  # noqa: E402


def demo_id(shelf: Shelf) -> int:
    return catalog.resolve_version(shelf.conn, "demo").id


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_build_embeds_every_section_and_completes_the_version(
    semantic_shelf: Shelf, fake: FakeEmbedder
):
    vid = demo_id(semantic_shelf)
    assert not coverage(semantic_shelf.conn, vid, fake.model_id).complete
    seen: list[tuple[int, int]] = []
    (build,) = semantic_shelf.build_vectors(
        lambda unit, done, total: seen.append((done, total)), units=("sections",)
    )
    total = semantic_shelf.list_libraries()[0].latest.sections
    assert (build.total, build.reused) == (total, 0)
    assert build.embedded <= total  # identical section texts are embedded once
    assert coverage(semantic_shelf.conn, vid, fake.model_id).complete
    assert seen[0] == (0, total) and seen[-1] == (total, total)


def test_pages_are_built_first_and_each_page_gets_one_vector(
    semantic_shelf: Shelf, fake: FakeEmbedder
):
    builds = semantic_shelf.build_vectors()
    assert [b.unit for b in builds] == ["pages", "sections"]
    pages = semantic_shelf.list_libraries()[0].latest.pages
    assert builds[0].total == pages
    assert coverage(semantic_shelf.conn, demo_id(semantic_shelf), fake.model_id, "pages").complete
    assert count(semantic_shelf.conn, "page_vectors") == pages


def test_building_again_embeds_nothing(semantic_shelf: Shelf, fake: FakeEmbedder):
    semantic_shelf.build_vectors()
    calls = len(fake.calls)
    pages, sections = semantic_shelf.build_vectors()
    assert (pages.embedded, pages.reused, sections.embedded, sections.reused) == (0, 0, 0, 0)
    assert len(fake.calls) == calls


def test_reindexing_reembeds_only_the_changed_sections(
    semantic_shelf: Shelf, fake: FakeEmbedder, corpus: Path
):
    semantic_shelf.build_vectors()
    page = corpus / "docs" / "workspace" / "sandbox.md"
    page.write_text(page.read_text() + "\n## Cleanup\n\nDelete the sandbox when done.\n")
    semantic_shelf.add_library(str(corpus), name="demo")
    pages, build = semantic_shelf.build_vectors()
    assert build.embedded == 1  # the new section; the others are reused by content hash
    assert build.reused == build.total - 1
    assert (pages.embedded, pages.reused) == (1, pages.total - 1)  # that page's text grew
    assert coverage(semantic_shelf.conn, demo_id(semantic_shelf), fake.model_id).complete


def test_vectors_nobody_uses_are_collected(semantic_shelf: Shelf, corpus: Path):
    semantic_shelf.build_vectors()
    before = count(semantic_shelf.conn, "embeddings")
    (corpus / "docs" / "agents" / "using-tools.md").unlink()
    semantic_shelf.add_library(str(corpus), name="demo")
    semantic_shelf.build_vectors()
    assert count(semantic_shelf.conn, "embeddings") < before
    semantic_shelf.remove_library("demo")
    assert count(semantic_shelf.conn, "section_vectors") == 0  # gone with the sections
    assert count(semantic_shelf.conn, "page_vectors") == 0  # and with the pages


def test_a_section_changed_while_being_embedded_gets_no_stale_vector(
    semantic_shelf: Shelf, fake: FakeEmbedder, corpus: Path
):
    page = corpus / "reference" / "core" / "getAgentById.md"

    def reindex_meanwhile() -> None:
        fake.before_embed = None
        page.write_text("# Mastra.getAgentById()\n\nLooks an agent up by its id.\n")
        with Shelf(semantic_shelf.home) as other:  # another process, as far as SQLite knows
            other.add_library(str(corpus), name="demo")

    fake.before_embed = reindex_meanwhile
    semantic_shelf.build_vectors(units=("sections",))
    vid = demo_id(semantic_shelf)
    partial = coverage(semantic_shelf.conn, vid, fake.model_id)
    assert not partial.complete  # the new page's sections were not given the old vectors
    semantic_shelf.build_vectors(units=("sections",))
    assert coverage(semantic_shelf.conn, vid, fake.model_id).complete


def test_a_page_changed_while_being_embedded_gets_no_stale_vector(
    semantic_shelf: Shelf, fake: FakeEmbedder, corpus: Path
):
    page = corpus / "reference" / "core" / "getAgentById.md"

    def reindex_meanwhile() -> None:
        fake.before_embed = None
        page.write_text("# Mastra.getAgentById()\n\nLooks an agent up by its id.\n")
        with Shelf(semantic_shelf.home) as other:
            other.add_library(str(corpus), name="demo")

    fake.before_embed = reindex_meanwhile
    semantic_shelf.build_vectors(units=("pages",))
    vid = demo_id(semantic_shelf)
    assert not coverage(semantic_shelf.conn, vid, fake.model_id, "pages").complete
    semantic_shelf.build_vectors(units=("pages",))
    assert coverage(semantic_shelf.conn, vid, fake.model_id, "pages").complete


def test_an_index_from_before_vectors_opens_and_searches(tmp_path: Path, corpus: Path):
    with Shelf(tmp_path / "home") as plain:
        plain.add_library(str(corpus), name="demo")
    conn = db.connect(tmp_path / "home" / db.DB_NAME)
    assert not has_tables(conn)
    assert load_index(conn, 1, "fake-64") is None
    conn.close()
    with Shelf(tmp_path / "home") as shelf:
        shelf.semantic = SemanticSearch(embedder=FakeEmbedder())
        assert shelf.search("sandbox per tenant")[0].path == "docs/workspace/sandbox"


def test_index_ranks_pages_by_centroid_and_best_section(semantic_shelf: Shelf, fake: FakeEmbedder):
    semantic_shelf.build_vectors()
    index = load_index(semantic_shelf.conn, demo_id(semantic_shelf), fake.model_id)
    assert index is not None
    assert len(index.page_ids) == semantic_shelf.list_libraries()[0].latest.pages
    assert np.allclose(np.linalg.norm(index.centroids, axis=1), 1.0, atol=1e-5)
    query = fake.embed(["dynamic sandbox tenant requestContext"])[0]
    best = index.top_pages(query, 10)[0]
    path, heading = semantic_shelf.conn.execute(
        "SELECT p.path, s.heading FROM sections s JOIN pages p ON p.id = s.page_id WHERE s.id = ?",
        (best.section_id,),
    ).fetchone()
    assert (path, heading) == ("docs/workspace/sandbox", "Dynamic sandbox")


def test_the_page_route_ranks_each_page_by_its_own_vector_with_its_first_section(
    semantic_shelf: Shelf, fake: FakeEmbedder
):
    semantic_shelf.build_vectors(units=("pages",))
    vid = demo_id(semantic_shelf)
    assert load_index(semantic_shelf.conn, vid, fake.model_id, "section") is None
    assert load_index(semantic_shelf.conn, vid, fake.model_id, "page+section") is None
    index = load_index(semantic_shelf.conn, vid, fake.model_id, "page")
    assert index is not None and len(index.section_ids) == len(index.page_ids)
    assert np.array_equal(index.sections, index.centroids)
    query = fake.embed(["dynamic sandbox tenant requestContext"])[0]
    best = index.top_pages(query, 10)[0]
    path, position = semantic_shelf.conn.execute(
        "SELECT p.path, s.position FROM sections s JOIN pages p ON p.id = s.page_id WHERE s.id = ?",
        (best.section_id,),
    ).fetchone()
    assert (path, position) == ("docs/workspace/sandbox", 0)


def test_the_page_and_section_route_takes_the_page_vector_as_centroid(
    semantic_shelf: Shelf, fake: FakeEmbedder
):
    semantic_shelf.build_vectors()
    vid = demo_id(semantic_shelf)
    pages = load_index(semantic_shelf.conn, vid, fake.model_id, "page")
    both = load_index(semantic_shelf.conn, vid, fake.model_id, "page+section")
    sections = load_index(semantic_shelf.conn, vid, fake.model_id, "section")
    assert pages is not None and both is not None and sections is not None
    assert np.array_equal(both.sections, sections.sections)
    assert np.array_equal(both.page_ids, pages.page_ids)
    assert np.array_equal(both.centroids, pages.centroids)


def test_build_vectors_writes_nothing_for_an_empty_version(tmp_path: Path, fake: FakeEmbedder):
    with Shelf(tmp_path / "home") as shelf:
        record = shelf.index_files("empty", "1.0", "test", [])
        vid = catalog.resolve_version(shelf.conn, record.ref).id
        stats = build_vectors(shelf.conn, fake, vid)
        assert (stats.embedded, stats.total) == (0, 0)
        assert coverage(shelf.conn, vid, fake.model_id).complete
        index = load_index(shelf.conn, vid, fake.model_id)
        assert index is not None and index.top_pages(np.ones(64, np.float32), 10) == []


def random_index(rng, pages: int, dim: int = 8, ties: bool = False) -> VectorIndex:
    per_page = rng.integers(1, 4, pages)
    starts = np.r_[0, np.cumsum(per_page)[:-1]].astype(np.int64)
    sections = rng.standard_normal((int(per_page.sum()), dim)).astype(np.float32)
    if ties:  # pages with the very same vectors score the same
        sections = np.round(sections).astype(np.float32)
    sums = np.add.reduceat(sections, starts, axis=0)
    centroids = (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)
    page_ids = np.arange(100, 100 + pages, dtype=np.int64)
    section_ids = np.arange(1000, 1000 + len(sections), dtype=np.int64)
    return VectorIndex(7, "m", section_ids, page_ids, starts, sections, centroids)


def every_page_sorted(index: VectorIndex, query, allowed=None) -> list[tuple[int, int, float]]:
    """The ranking as a full stable sort of every page gives it (what top_pages must cut)."""
    scores, section_scores = index.scores(query)
    ends = np.append(index.starts[1:], len(index.section_ids))
    out = []
    for i in np.argsort(-scores, kind="stable"):
        if allowed is not None and int(index.page_ids[i]) not in allowed:
            continue
        lo, hi = index.starts[i], ends[i]
        best = int(index.section_ids[lo + int(np.argmax(section_scores[lo:hi]))])
        out.append((int(index.page_ids[i]), best, float(scores[i])))
    return out


@pytest.mark.parametrize("ties", [False, True])
def test_top_pages_is_the_head_of_a_full_sort_of_every_page(ties: bool):
    rng = np.random.default_rng(16)
    for _ in range(30):
        index = random_index(rng, int(rng.integers(1, 60)), ties=ties)
        query = np.round(rng.standard_normal(8)).astype(np.float32)
        limit = int(rng.integers(1, 70))
        allowed = None
        if rng.random() < 0.5:
            allowed = {int(p) for p in index.page_ids if rng.random() < 0.5}
        top = [(m.page_id, m.section_id, m.score) for m in index.top_pages(query, limit, allowed)]
        assert top == every_page_sorted(index, query, allowed)[:limit]


def test_removing_a_library_deletes_its_vectors_at_once(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    assert count(semantic_shelf.conn, "embeddings") > 0
    semantic_shelf.remove_library("demo")
    assert count(semantic_shelf.conn, "section_vectors") == 0
    assert count(semantic_shelf.conn, "embeddings") == 0


def test_removing_one_library_keeps_the_vectors_another_library_uses(
    semantic_shelf: Shelf, fake: FakeEmbedder, tmp_path: Path
):
    other = write_tree(
        tmp_path / "other-src",
        {"docs/index.md": "# Other\n\nA second library.\n", "docs/cache.md": "# Cache\n\nTTL.\n"},
    )
    semantic_shelf.add_library(str(other), name="other")
    semantic_shelf.build_vectors()
    semantic_shelf.remove_library("other")
    vid = demo_id(semantic_shelf)
    for route in ("page", "section", "page+section"):
        assert load_index(semantic_shelf.conn, vid, fake.model_id, route) is not None
    orphans = semantic_shelf.conn.execute(
        "SELECT count(*) FROM (SELECT model, hash FROM page_vectors UNION ALL "
        "SELECT model, hash FROM section_vectors) v WHERE NOT EXISTS (SELECT 1 FROM embeddings "
        "e WHERE e.model = v.model AND e.hash = v.hash)"
    ).fetchone()[0]
    assert orphans == 0
    calls = len(fake.calls)
    pages, sections = semantic_shelf.build_vectors()
    assert (pages.embedded, sections.embedded) == (0, 0)
    assert len(fake.calls) == calls


def test_reindex_keeps_the_vectors_for_unchanged_pages_and_sections(
    semantic_shelf: Shelf, fake: FakeEmbedder
):
    semantic_shelf.build_vectors()
    calls = len(fake.calls)
    semantic_shelf.reindex()
    pages, sections = semantic_shelf.build_vectors()
    assert (pages.embedded, pages.reused) == (0, pages.total)
    assert (sections.embedded, sections.reused) == (0, sections.total)
    assert len(fake.calls) == calls
    assert coverage(semantic_shelf.conn, demo_id(semantic_shelf), fake.model_id).complete


def test_reindex_of_an_index_without_vectors_copies_none(tmp_path: Path, corpus: Path):
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(corpus), name="demo")
        shelf.reindex()
        assert not has_tables(shelf.conn)


def test_searching_by_vectors_keeps_blas_to_one_thread():
    # numpy's BLAS threads spin after each product, on the cores full-text ranking needs.
    from threadpoolctl import threadpool_info

    import docshelf.search.vectors  # noqa: F401

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
