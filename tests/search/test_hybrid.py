from pathlib import Path

import pytest

pytest.importorskip("numpy", reason="semantic search tests need numpy (pip install -e .[dev])")

from fake_embedder import FakeEmbedder

from docshelf.errors import SemanticUnavailableError, UsageError
from docshelf.search import embed, fts, hybrid, semantic
from docshelf.search.semantic import SemanticSearch
from docshelf.server.background import start_vector_builder
from docshelf.shelf import Shelf

# "customers" and "boxes" are the fake model's synonyms of "tenant" and "sandbox"; the
# docs never use them, so full text cannot find the sandbox page with these words.
OTHER_WORDS = "boxes for customers"


def test_auto_search_is_full_text_until_the_vectors_are_built(semantic_shelf: Shelf):
    assert semantic_shelf.search(OTHER_WORDS) == []  # full text: none of these words
    semantic_shelf.build_vectors()
    assert semantic_shelf.search(OTHER_WORDS)[0].path == "docs/workspace/sandbox"


def test_a_page_found_only_by_vectors_shows_its_closest_section(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    hit = semantic_shelf.search(OTHER_WORDS, mode="hybrid")[0]
    assert (hit.path, hit.heading) == ("docs/workspace/sandbox", "Sandbox > Dynamic sandbox")
    assert "tenant" in hit.snippet


def test_hybrid_keeps_what_full_text_ranks_first(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    for query in ("get agent by id", "give each tenant its own sandbox", "zod input schema"):
        fulltext = semantic_shelf.search(query, mode="fulltext")[0]
        assert semantic_shelf.search(query, mode="hybrid")[0].path == fulltext.path


def test_fusion_normalises_each_score_and_counts_a_page_a_ranking_missed_as_zero():
    # BM25 scores come negated (higher is better), cosines as they are.
    fused = hybrid.fuse_scores([{1: -2.0, 2: -4.0}, {2: 0.9, 3: 0.5}], [0.25, 0.75])
    assert fused == {1: 0.25, 2: 0.75, 3: 0.0}


def test_fusion_gives_the_only_page_a_ranking_found_its_full_weight():
    assert hybrid.fuse_scores([{7: -3.0}, {}, {7: 0.2, 8: 0.2}], [0.2, 0.3, 0.5]) == {
        7: 0.7,
        8: 0.5,
    }


def test_a_page_only_page_bm25_finds_is_a_hit_without_a_section(
    semantic_shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    # Pools of one: most pages full text finds have no best section and no vector rank.
    semantic_shelf.build_vectors()
    monkeypatch.setattr(fts, "SECTION_POOL", 1)
    monkeypatch.setattr(hybrid, "SEMANTIC_POOL", 1)
    hits = semantic_shelf.search("agent tools", mode="hybrid")
    assert len(hits) > 2
    assert any(h.heading == "" for h in hits)


def test_semantic_mode_ranks_by_vectors_alone(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    hits = semantic_shelf.search("customer isolated", mode="semantic", limit=3)
    assert hits[0].path == "docs/workspace/sandbox"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_each_page_appears_once_and_limit_holds(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    hits = semantic_shelf.search("agent tools memory", mode="hybrid", limit=4)
    assert len(hits) == 4
    assert len({h.path for h in hits}) == 4


def test_path_prefix_filters_vector_hits_too(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    for mode in ("semantic", "hybrid"):
        hits = semantic_shelf.search(OTHER_WORDS, path_prefix="reference/", mode=mode)
        assert hits and all(h.path.startswith("reference/") for h in hits)


def test_a_query_without_words_finds_nothing_in_every_mode(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    for mode in ("auto", "fulltext", "semantic", "hybrid"):
        assert semantic_shelf.search("  ?! ", mode=mode) == []


def test_query_vectors_are_embedded_once(semantic_shelf: Shelf, fake: FakeEmbedder):
    semantic_shelf.build_vectors()
    semantic_shelf.search(OTHER_WORDS)
    calls = len(fake.calls)
    semantic_shelf.search(OTHER_WORDS, limit=3)
    semantic_shelf.search(OTHER_WORDS, mode="semantic")
    assert len(fake.calls) == calls


def test_vectors_of_several_libraries_are_searched_together(semantic_shelf: Shelf, tmp_path: Path):
    other = tmp_path / "other"
    (other / "guide").mkdir(parents=True)
    (other / "guide" / "boxes.md").write_text("# Boxes\n\nA box for every customer.\n")
    semantic_shelf.add_library(str(other), name="other")
    semantic_shelf.build_vectors()
    libraries = {h.library for h in semantic_shelf.search(OTHER_WORDS, mode="semantic")}
    assert libraries == {"demo", "other"}


def test_asking_for_vectors_not_built_says_how_to_build_them(semantic_shelf: Shelf):
    with pytest.raises(UsageError, match="docshelf embed"):
        semantic_shelf.search("sandbox", mode="hybrid")


def test_unknown_mode_lists_the_modes(semantic_shelf: Shelf):
    with pytest.raises(UsageError, match="auto, fulltext, semantic or hybrid"):
        semantic_shelf.search("sandbox", mode="fuzzy")  # type: ignore[arg-type]


def test_with_a_package_missing_auto_is_full_text_and_every_answer_says_what_to_install(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(embed, "missing_packages", lambda: ["onnxruntime"])
    monkeypatch.setattr(semantic, "missing_packages", lambda: ["onnxruntime"])
    shelf.semantic = SemanticSearch()
    assert not shelf.semantic.available
    install = "-m pip install 'onnxruntime>="
    assert install in shelf.semantic.status()
    found = shelf.search_results("tenant sandbox")
    assert found.hits[0].path == "docs/workspace/sandbox"
    assert found.mode == "fulltext" and found.note.startswith("Full-text search only: ")
    assert install in found.note
    assert install in shelf.search_status()
    with pytest.raises(SemanticUnavailableError, match="pip install 'onnxruntime>="):
        shelf.search("tenant sandbox", mode="hybrid")


def test_an_auto_search_before_the_page_vectors_are_built_says_so_and_how_to_build_them(
    semantic_shelf: Shelf,
):
    found = semantic_shelf.search_results("tenant sandbox")
    assert found.mode == "fulltext"
    assert "demo@local (0 of " in found.note and "run `docshelf embed`" in found.note
    semantic_shelf.semantic.load_in_background = True  # a server builds them itself
    assert "being built in the background" in semantic_shelf.search_results("sandbox").note
    assert semantic_shelf.search_status().startswith("Search is full text only for demo@local")
    semantic_shelf.build_vectors(units=("pages",))
    semantic_shelf.semantic.load_in_background = False
    found = semantic_shelf.search_results("tenant sandbox")
    assert (found.mode, found.note) == ("hybrid", "")
    assert "section vectors 0%" in semantic_shelf.search_status()


def test_page_vectors_alone_find_a_page_in_other_words(semantic_shelf: Shelf):
    semantic_shelf.build_vectors(units=("pages",))
    assert semantic_shelf.search(OTHER_WORDS)[0].path == "docs/workspace/sandbox"
    semantic_shelf.semantic.route = "section"  # forced, and not built: full text
    assert semantic_shelf.search(OTHER_WORDS) == []


@pytest.mark.parametrize("route", ["page", "section", "page+section"])
def test_every_route_ranks_by_meaning_once_built(semantic_shelf: Shelf, route: str):
    semantic_shelf.build_vectors()
    semantic_shelf.semantic.route = route  # type: ignore[assignment]
    hits = semantic_shelf.search(OTHER_WORDS, mode="semantic", limit=3)
    assert hits[0].path == "docs/workspace/sandbox"


def test_with_section_vectors_off_only_pages_are_embedded(semantic_shelf: Shelf):
    semantic_shelf.semantic.sections = False
    builds = semantic_shelf.build_vectors()
    assert {b.unit for b in builds} == {"pages"}
    assert semantic_shelf.search(OTHER_WORDS)[0].path == "docs/workspace/sandbox"
    assert (
        semantic_shelf.search_status() == "Search is hybrid (full text and meaning) for demo@local."
    )


def test_turned_off_semantic_search_is_full_text_and_says_so(shelf: Shelf):
    assert not shelf.semantic.enabled  # DOCSHELF_SEMANTIC=off in every test by default
    assert "off" in shelf.semantic.status()
    with pytest.raises(UsageError, match="DOCSHELF_SEMANTIC"):
        shelf.search("sandbox", mode="semantic")


def test_background_builder_switches_hybrid_on_when_vectors_are_complete(
    semantic_shelf: Shelf,
):
    semantic_shelf.semantic.load_in_background = True
    assert semantic_shelf.search(OTHER_WORDS) == []  # full text: none of these words
    thread = start_vector_builder(semantic_shelf)
    assert thread is not None
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert semantic_shelf.search(OTHER_WORDS)[0].path == "docs/workspace/sandbox"


def test_background_builder_waits_for_the_indexer(semantic_shelf: Shelf, corpus: Path):
    import threading

    release = threading.Event()

    def indexer() -> None:
        release.wait(timeout=30)
        with Shelf(semantic_shelf.home) as other:
            other.add_library(str(corpus), name="later")

    first = threading.Thread(target=indexer)
    first.start()
    builder = start_vector_builder(semantic_shelf, after=first)
    assert builder is not None
    release.set()
    builder.join(timeout=30)
    first.join(timeout=30)
    built = {r.record.name for r in semantic_shelf.version_refs()}
    assert built == {"demo", "later"}
    assert semantic_shelf.search(OTHER_WORDS, library="later", mode="hybrid")


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_server_serves_full_text_then_hybrid_once_built_in_the_background(
    semantic_shelf: Shelf, anyio_backend: str
):
    import threading

    import anyio
    from mcp import Client

    from docshelf.server import build_server

    arguments = {"query": OTHER_WORDS, "library": "demo"}
    async with Client(build_server(semantic_shelf)) as client:
        assert semantic_shelf.semantic.load_in_background  # never block a tool call
        builders = [t for t in threading.enumerate() if t.name == "docshelf-vectors"]
        for builder in builders:
            await anyio.to_thread.run_sync(builder.join, 30)
        result = await client.call_tool("search_docs", arguments)
    hits = (result.structured_content or {})["hits"]
    assert hits[0]["path"] == "docs/workspace/sandbox"


def test_shutdown_stops_the_background_build_between_batches(
    semantic_shelf: Shelf, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
):
    import threading

    from docshelf.search import vectors

    monkeypatch.setattr(vectors, "WRITE_BATCH", 2)
    embedding, release = threading.Event(), threading.Event()

    def hold() -> None:
        embedding.set()
        release.wait(timeout=30)

    fake.before_embed = hold
    builder = start_vector_builder(semantic_shelf)
    assert builder is not None and embedding.wait(timeout=30)
    semantic_shelf.semantic.shutdown(timeout=0)  # asks to stop; the batch in hand finishes
    release.set()
    builder.join(timeout=30)
    assert not builder.is_alive()
    assert len(fake.calls) == 1
    with pytest.raises(UsageError, match="not built yet"):
        semantic_shelf.search("sandbox", mode="hybrid")


def test_kind_filters_vector_hits_too(semantic_shelf: Shelf):
    semantic_shelf.build_vectors()
    for mode in ("semantic", "hybrid"):
        hits = semantic_shelf.search(OTHER_WORDS, kind="reference", mode=mode)
        assert hits and all(h.kind == "reference" for h in hits)


def test_a_new_query_is_embedded_while_full_text_ranks(
    semantic_shelf: Shelf, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
):
    import threading

    semantic_shelf.build_vectors()
    ranking = threading.Event()
    ranked = hybrid.page_rankings

    def page_rankings(*args, **kwargs):
        ranking.set()
        return ranked(*args, **kwargs)

    seen: list[tuple[str, bool]] = []

    def embed_once_full_text_ranks() -> None:
        # Embedded before full text ranked, in the searching thread, this would time out.
        seen.append((threading.current_thread().name, ranking.wait(timeout=30)))

    monkeypatch.setattr(hybrid, "page_rankings", page_rankings)
    fake.before_embed = embed_once_full_text_ranks
    result = semantic_shelf.search_results(OTHER_WORDS, mode="hybrid")
    assert result.hits[0].path == "docs/workspace/sandbox"
    ((thread, waited),) = seen
    assert waited and thread != threading.current_thread().name


def test_a_search_answers_while_the_model_embeds_another_library(
    semantic_shelf: Shelf, fake: FakeEmbedder, tmp_path: Path
):
    import threading

    from corpus import write_tree

    semantic_shelf.build_vectors()
    other = write_tree(tmp_path / "other-src", {"docs/index.md": "# Other\n\nCaching.\n"})
    semantic_shelf.add_library(str(other), name="other")
    busy, release = threading.Event(), threading.Event()

    def hold_the_build() -> None:
        if threading.current_thread().name == "builder":
            busy.set()
            release.wait(timeout=30)

    fake.before_embed = hold_the_build
    builder = threading.Thread(
        target=lambda: semantic_shelf.build_vectors(library="other"), name="builder"
    )
    builder.start()
    try:
        assert busy.wait(timeout=30)
        result = semantic_shelf.search_results(OTHER_WORDS, library="demo")
    finally:
        release.set()
        builder.join(timeout=30)
    assert result.mode == "hybrid"
    assert result.hits[0].path == "docs/workspace/sandbox"


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_stdio_server_builds_vectors_only_once_the_tools_are_listed(
    semantic_shelf: Shelf, anyio_backend: str
):
    import anyio
    from mcp import Client

    from docshelf.server import build_server
    from docshelf.server.startup import defer_background
    from docshelf.server.tooling import ServerState

    state = ServerState(semantic_shelf)
    server = build_server(semantic_shelf, state=state, background=False)
    starter = defer_background(server, state, add_default=False)
    async with Client(server) as client:
        starter.first_message()
        assert not starter.ran
        assert semantic_shelf.semantic.busy() is None  # no model load, no build yet
        early = await client.call_tool("search_docs", {"query": OTHER_WORDS, "library": "demo"})
        assert "being built in the background" in (early.structured_content or {})["note"]
        await client.list_tools()
        assert await anyio.to_thread.run_sync(starter.wait, 30)
        builder = semantic_shelf.semantic.busy()
        if builder is not None:
            await anyio.to_thread.run_sync(builder.join, 30)
        result = await client.call_tool("search_docs", {"query": OTHER_WORDS, "library": "demo"})
    assert (result.structured_content or {})["mode"] == "hybrid"
