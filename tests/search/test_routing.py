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
            "index.md": f"# {title}\n\n{lead}\n\n## Setup\n\nInstall the package first.\n",
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


def test_a_query_no_card_matches_is_searched_in_every_library(many: Shelf):
    # "minute" is only in the bodies of the guide pages, on no card.
    assert routing.rank_cards(many.conn, "minute", {v.id for v in refs(many)}) == []
    assert {h.library for h in many.search("minute", limit=50)} == set(TOPICS)


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
    assert cards and {version for _page, version in cards} == {kube}
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
