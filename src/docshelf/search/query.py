"""Turn free text from a user or an agent into a safe FTS5 query."""

from __future__ import annotations

import re
import unicodedata

# Function words carry no topic; dropping them keeps OR queries from matching everything.
STOPWORDS = frozenset(
    (
        "a about above after again all am an and any are as at be because been before "
        "being between both but by can could did do does doing down during e each eg etc "
        "few for from further g had has have having he her here hers him his how i ie if "
        "in into is it its itself just me more most my myself no nor not now of off on "
        "once only or other our ours out over own same she should so some such than that "
        "the their theirs them then there these they this those through to too under "
        "until up very was we were what when where which while who whom why will with "
        "would you your yours yourself"
    ).split()
)

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 32


def query_terms(text: str) -> list[str]:
    """Distinct lowercase words of `text`, stop-words dropped unless nothing else is left."""
    text = unicodedata.normalize("NFKC", text).lower()
    words = list(dict.fromkeys(w for w in _WORD.findall(text) if w.strip("_")))
    content = [w for w in words if w not in STOPWORDS]
    return (content or words)[:MAX_TERMS]


def fts_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression that ORs the terms, each quoted so no operator leaks in."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
