"""All-library search over many libraries ranks only the ones the cards (and vectors) pick."""

from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.search import routing
from docshelf.shelf import Shelf
from docshelf.store import catalog

TOPICS = {
    "kube": ("Kubernetes pods", "Schedule pods on nodes with a deployment and a replica set."),
    "pay": ("Payments", "Charge a card, refund a payment and handle disputes."),
    "mail": ("Email delivery", "Send email through SMTP with retries and bounces."),
    "auth": ("Sign in", "Log users in with passwords, sessions and tokens."),
    "maps": ("Map tiles", "Render map tiles and markers at a zoom level."),
    "queue": ("Job queues", "Enqueue background jobs with a worker and a retry policy."),
    "chart": ("Charts", "Draw bar charts and line charts from a data series."),
    "cache": ("Caching", "Keep responses in a cache with a time to live."),
}


def library_tree(root: Path, name: str) -> Path:
    title, lead = TOPICS[name]
    return write_tree(
        root / name,
        {
            "index.md": f"# {title}\n\n{lead}\n\n## Setup\n\nInstall {name}pkg first.\n",
            "guide/more.md": f"# More on {title.lower()}\n\n{lead} Setup takes a minute.\n",
        },
    )


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    root = tmp_path_factory.mktemp("many")
    with Shelf(root / "home") as shelf:
        for name in TOPICS:
            shelf.add_library(str(library_tree(root / "src", name)), name=name)
        yield shelf


@pytest.fixture(autouse=True)
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches here may rank 3 versions in full, and at most 12 sections."""
    monkeypatch.setattr(routing, "FULL_VERSIONS", 3)
    monkeypatch.setattr(routing, "FULL_SECTIONS", 12)


def refs(shelf: Shelf) -> list[catalog.VersionRef]:
    return catalog.resolve_versions(shelf.conn, None)


def test_versions_within_the_budget_are_all_ranked_in_full(many: Shelf):
    few = refs(many)[:3]
    assert routing.route(many.conn, "pods on nodes", few) == few


def test_routing_picks_the_libraries_whose_cards_match(many: Shelf):
    chosen = routing.route(many.conn, "schedule kubernetes pods", refs(many))
    assert chosen[0].record.name == "kube"
    assert len(chosen) <= 3
    assert sum(v.record.sections for v in chosen) <= routing.FULL_SECTIONS


def test_a_version_over_the_budget_alone_is_still_searched(many: Shelf, monkeypatch):
    monkeypatch.setattr(routing, "FULL_SECTIONS", 1)
    chosen = routing.route(many.conn, "schedule kubernetes pods", refs(many))
    assert [v.record.name for v in chosen] == ["kube"]


def test_a_big_library_does_not_outvote_a_small_one_by_its_size():
    # Ten cards of version 1 below the best card of version 2: only its best votes.
    votes = routing._votes([2, *[1] * 10])
    assert votes[2] > votes[1]


def test_an_all_library_search_ranks_only_the_routed_libraries(many: Shelf):
    query = "refund a payment dispute"
    chosen = {v.record.name for v in routing.route(many.conn, query, refs(many))}
    hits = many.search(query)
    assert hits[0].library == "pay"
    assert {h.library for h in hits} <= chosen


def test_within_the_budget_every_library_is_searched(many: Shelf, monkeypatch):
    monkeypatch.setattr(routing, "FULL_VERSIONS", 100)
    monkeypatch.setattr(routing, "FULL_SECTIONS", 10_000)
    assert {h.library for h in many.search("setup", limit=50)} == set(TOPICS)


def test_a_query_no_card_matches_ranks_the_libraries_whose_sections_hold_its_words(many: Shelf):
    # "minute" is only in the bodies of the guide pages, "kubepkg" only in kube's setup
    # section: on no card.
    wanted = {v.id for v in refs(many)}
    assert routing.rank_cards(many.conn, "kubepkg minute", wanted) == []
    routed = routing.route(many.conn, "kubepkg minute", refs(many))
    assert "kube" in {v.record.name for v in routed}
    assert sum(v.record.sections for v in routed) <= routing.FULL_SECTIONS
    hits = many.search("kubepkg minute", mode="fulltext")
    assert hits[0].library == "kube"
    assert {h.library for h in hits} <= {v.record.name for v in routed}


def test_a_query_no_section_holds_ranks_one_library_and_finds_nothing(many: Shelf):
    assert len(routing.route(many.conn, "qzxv", refs(many))) == 1
    assert many.search("qzxv", mode="fulltext") == []


def test_a_query_without_words_is_not_routed_by_sections(many: Shelf):
    assert routing.route(many.conn, "", refs(many)) == refs(many)


def test_routing_scores_only_the_cards_of_the_rarest_words(many: Shelf, monkeypatch):
    # "setup" heads a section of every library's index page; "bounces" is only on mail's.
    monkeypatch.setattr(routing, "CARD_MATCHES", 3)
    cursor = many.conn.cursor()
    assert routing.rare_terms(cursor, ["setup", "bounces"]) == ["bounces"]
    monkeypatch.setattr(routing, "CARD_MATCHES", 1_000)
    assert routing.rare_terms(cursor, ["setup", "bounces"]) == ["setup", "bounces"]


def test_a_word_on_no_card_does_not_stop_routing_on_the_others(many: Shelf, monkeypatch):
    # Were the unknown word kept as "the rarest", no card would match and every library
    # would be ranked in full.
    monkeypatch.setattr(routing, "CARD_MATCHES", 3)
    assert routing.rare_terms(many.conn.cursor(), ["qzxv", "bounces"]) == ["bounces"]
    routed = routing.route(many.conn, "qzxv setup", refs(many))
    assert 0 < len(routed) < len(refs(many))


def test_a_routed_search_finds_a_page_whose_only_matching_word_is_rare(many: Shelf, monkeypatch):
    monkeypatch.setattr(routing, "CARD_MATCHES", 3)
    hits = many.search("setup bounces", mode="fulltext")
    assert hits[0].library == "mail"
    routed = routing.route(many.conn, "setup bounces", refs(many))
    assert routed[0].record.name == "mail"


def test_cards_of_versions_not_searched_do_not_vote(many: Shelf):
    kube = catalog.resolve_version(many.conn, "kube").id
    cards = routing.rank_cards(many.conn, "kubernetes pods", {kube})
    assert cards and {version for _page, version, _score in cards} == {kube}
    others = {v.id for v in refs(many)} - {kube}
    assert routing.rank_cards(many.conn, "kubernetes pods", others) == []


def test_centroids_vote_for_the_versions_of_the_closest_pages():
    np = pytest.importorskip("numpy")
    from docshelf.search.vectors import VectorIndex

    def index(version_id: int, direction: list[float]) -> VectorIndex:
        centroids = np.array([direction], np.float32)
        one = np.array([version_id * 10], np.int64)
        return VectorIndex(version_id, "m", one, one, np.zeros(1, np.int64), centroids, centroids)

    indexes = [index(1, [1.0, 0.0]), index(2, [0.0, 1.0]), index(3, [0.6, 0.8])]
    votes = routing.centroid_votes(indexes, np.array([0.0, 1.0], np.float32), {1, 2, 3})
    assert sorted(votes, key=lambda v: -votes[v]) == [2, 3, 1]
    assert set(routing.centroid_votes(indexes, np.array([0.0, 1.0], np.float32), {1})) == {1}


def rough_indexes(np, versions: int = 3, pages: int = 40, dim: int = 128) -> list:
    from docshelf.search.vectors import VectorIndex, rough_projection

    rng = np.random.default_rng(5)
    out = []
    for version_id in range(1, versions + 1):
        centroids = rng.standard_normal((pages, dim)).astype(np.float32)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        ids = np.arange(version_id * 1000, version_id * 1000 + pages, dtype=np.int64)
        starts = np.arange(pages, dtype=np.int64)
        rough = centroids @ rough_projection(dim)
        out.append(VectorIndex(version_id, "m", ids, ids, starts, centroids, centroids, rough))
    return out


def test_over_many_pages_the_votes_come_from_the_rough_copies_then_exact_cosines(monkeypatch):
    np = pytest.importorskip("numpy")
    indexes = rough_indexes(np)
    query = indexes[1].centroids[7] + 0.1 * indexes[2].centroids[3]
    query /= np.linalg.norm(query)
    monkeypatch.setattr(routing, "CENTROID_POOL", 10)
    monkeypatch.setattr(routing, "ROUGH_FROM", 10**9)
    exact = routing.centroid_votes(indexes, query, {1, 2, 3})
    monkeypatch.setattr(routing, "ROUGH_FROM", 1)
    # Every page kept by the rough pass: the very votes of the exact product.
    monkeypatch.setattr(routing, "ROUGH_POOL", 120)
    assert routing.centroid_votes(indexes, query, {1, 2, 3}) == exact
    # A few kept: the closest page (the query's own) is among them and still votes first.
    monkeypatch.setattr(routing, "ROUGH_POOL", 15)
    rough = routing.centroid_votes(indexes, query, {1, 2, 3})
    assert max(rough, key=rough.__getitem__) == 2 == max(exact, key=exact.__getitem__)
    assert set(routing.centroid_votes(indexes, query, {1, 3})) <= {1, 3}


def test_vectors_too_narrow_to_shrink_have_no_rough_copy():
    np = pytest.importorskip("numpy")
    from docshelf.search.vectors import ROUGH_DIMS, rough_projection

    assert rough_projection(ROUGH_DIMS) is None
    projection = rough_projection(384)
    assert projection is not None and projection.shape == (384, ROUGH_DIMS)
    # Orthonormal columns: lengths and angles roughly kept, the same map every time.
    assert np.allclose(projection.T @ projection, np.eye(ROUGH_DIMS), atol=1e-5)
    assert rough_projection(384) is projection


def test_a_routed_version_scores_only_its_sections_holding_the_rarer_words(
    many: Shelf, monkeypatch
):
    from docshelf.search import fts
    from docshelf.search.query import fts_match
    from docshelf.store.fts_tables import section_table

    mail = catalog.resolve_version(many.conn, "mail").id
    table = section_table(mail)
    terms = ["setup", "minute", "bounces"]
    full = fts.version_lists(many.conn, terms, mail, page_bm25=False)
    monkeypatch.setattr(fts, "SECTION_MATCHES", 1)
    pruned = fts.version_lists(many.conn, terms, mail, page_bm25=False, rare_words=True)
    # "minute" is in one of mail's sections, the other words in two each.
    assert fts.rare_terms(many.conn.cursor(), table, terms, 1) == ["minute"]
    holding = {
        r[0]
        for r in many.conn.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (fts_match(["minute"]),)
        )
    }
    assert {row for row, _score in pruned.sections} == holding
    assert len(pruned.sections) < len(full.sections)
    assert set(pruned.sections) <= set(full.sections)  # scored by every word, as before
    assert pruned.near == full.near


def test_a_search_of_one_version_never_leaves_sections_out(many: Shelf, monkeypatch):
    from docshelf.search import fts

    monkeypatch.setattr(fts, "SECTION_MATCHES", 1)
    mail = [catalog.resolve_version(many.conn, "mail")]
    query = "setup minute bounces"
    assert fts.page_rankings(many.conn, query, mail, rare_words=True) == fts.page_rankings(
        many.conn, query, mail
    )
