"""Copied text across articles: the same wire story in several outlets counts once.

Every sentence becomes a set of word shingles (three words in a row) and a
MinHash signature; MinHashLSH finds candidate near-duplicates across
articles, and the exact Jaccard similarity of the shingle sets decides.
A sentence that nearly repeats a sentence of an earlier article (earlier
published, else earlier in the input) is a *copy*: the events it states
are not a new, independent report. Short sentences (under
``MIN_WORDS`` words) are never called copies: "Kyiv denied it." may be
written twice independently.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from fogofwar.models import ArticleResult

SHINGLE = 3
NUM_PERM = 64
THRESHOLD = 0.5  # Jaccard similarity of shingle sets from which a sentence is a copy
MIN_WORDS = 6
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Copy:
    """Sentence ``sentence`` of article number ``article`` repeats ``original_sentence`` of ``original``."""

    article: int  # position in the list given to :func:`find_copies`
    sentence: int
    original: int
    original_sentence: int
    similarity: float


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Word n-grams of a sentence, lower-cased; punctuation ignored."""
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text.replace("’", "'"))]
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


@functools.lru_cache(maxsize=1)
def _permutations():
    """Drawn once: making them is most of the cost of a MinHash."""
    return MinHash(num_perm=NUM_PERM).permutations


def _signature(items: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, permutations=_permutations())
    m.update_batch([s.encode("utf-8") for s in items])
    return m


def _order_key(i: int, article: ArticleResult) -> tuple:
    """Earlier published first, undated last, then input order: the first of a set of copies is the original."""
    pub = article.article.published or ""
    return (pub == "", pub[:10], i)


def find_copies(articles: list[ArticleResult], threshold: float = THRESHOLD) -> dict[tuple[int, int], Copy]:
    """Copied sentences, keyed by (article position, sentence index).

    An article's own repeated sentences are not copies (repetition inside
    one report is one report); the original of a chain of copies is the
    earliest article that has the sentence.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sets: dict[str, tuple[int, int, set[str]]] = {}
    order = sorted(range(len(articles)), key=lambda i: _order_key(i, articles[i]))
    rank = {i: r for r, i in enumerate(order)}
    copies: dict[tuple[int, int], Copy] = {}
    exact: dict[frozenset[str], tuple[int, int]] = {}  # a sentence seen word for word: its first place
    for i in order:
        article = articles[i]
        text = article.article.text
        mine: list[tuple[str, MinHash, set[str], int]] = []
        for s in article.sentences:
            sent = text[s.start:s.end]
            if len(_WORD.findall(sent)) < MIN_WORDS:
                continue
            sh = shingles(sent)
            if not sh:
                continue
            seen = exact.get(frozenset(sh))
            if seen is not None and seen[0] != i:
                # word for word the same as an earlier article's sentence: a copy of its original, found
                # without the index, and not indexed again (many verbatim copies stay linear)
                origin = copies.get(seen)
                copies[(i, s.index)] = Copy(i, s.index, origin.original if origin else seen[0],
                                            origin.original_sentence if origin else seen[1], 1.0)
                continue
            sig = _signature(sh)
            best: Copy | None = None
            for key in lsh.query(sig):
                j, k, other = sets[key]
                if j == i:
                    continue
                sim = len(sh & other) / len(sh | other)
                if sim >= threshold and (best is None or sim > best.similarity
                                         or (sim == best.similarity and rank[j] < rank[best.original])):
                    best = Copy(i, s.index, j, k, round(sim, 3))
            if best is not None:
                origin = copies.get((best.original, best.original_sentence))
                if origin is not None:  # a copy of a copy: point at the first
                    best = Copy(i, s.index, origin.original, origin.original_sentence, best.similarity)
                copies[(i, s.index)] = best
            mine.append((f"{i}:{s.index}", sig, sh, s.index))
        for key, sig, sh, index in mine:  # after the article: its own sentences never match each other
            sets[key] = (i, index, sh)
            lsh.insert(key, sig)
            exact.setdefault(frozenset(sh), (i, index))
    return copies


def copied_share(articles: list[ArticleResult], copies: dict[tuple[int, int], Copy]) -> dict[int, tuple[int, float]]:
    """For each article that copies another: (the article it copies most, share of its sentences copied)."""
    out: dict[int, tuple[int, float]] = {}
    for i, article in enumerate(articles):
        mine = [c for (a, _), c in copies.items() if a == i]
        if not mine or not article.sentences:
            continue
        counts: dict[int, int] = {}
        for c in mine:
            counts[c.original] = counts.get(c.original, 0) + 1
        original = max(counts, key=lambda j: (counts[j], -j))
        out[i] = (original, round(len(mine) / len(article.sentences), 3))
    return out
