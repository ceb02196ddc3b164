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

    article: int  # position of the article in the run (in the list given to :func:`find_copies`)
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


@dataclass
class CopyDoc:
    """What copy detection reads of an article: its place in the run, its date, its long sentences."""

    position: int  # the article's position in the run (Copy.article and Copy.original are positions)
    published: str | None
    sentences: list[tuple[int, str]]  # (sentence index, text), in article order, at least MIN_WORDS words


def long_sentences(article: ArticleResult) -> list[tuple[int, str]]:
    """The sentences that may be copies (short ones never are), as (index, text)."""
    text = article.article.text
    out = []
    for s in article.sentences:
        sent = text[s.start:s.end]
        if len(_WORD.findall(sent)) >= MIN_WORDS:
            out.append((s.index, sent))
    return out


def _order_key(position: int, published: str | None) -> tuple:
    """Earlier published first, undated last, then input order: the first of a set of copies is the original."""
    pub = published or ""
    return (pub == "", pub[:10], position)


@functools.lru_cache(maxsize=1)
def _bands() -> tuple[tuple[int, int], ...]:
    """The hash ranges (bands) of the LSH index that find_copies uses."""
    return tuple(MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM).hashranges)


def band_keys(text: str) -> list[str]:
    """The LSH buckets of a sentence: two sentences are candidate copies iff they share one (exactly as
    ``MinHashLSH.query`` finds them), so a distributed run can group candidates before ``copies_of``."""
    sh = shingles(text)
    if not sh:
        return []
    values = _signature(sh).hashvalues
    return [f"{b}:{bytes(values[start:end].byteswap().data).hex()}" for b, (start, end) in enumerate(_bands())]


def find_copies(articles: list[ArticleResult], threshold: float = THRESHOLD) -> dict[tuple[int, int], Copy]:
    """Copied sentences, keyed by (article position, sentence index).

    An article's own repeated sentences are not copies (repetition inside
    one report is one report); the original of a chain of copies is the
    earliest article that has the sentence.
    """
    return copies_of([CopyDoc(i, a.article.published, long_sentences(a)) for i, a in enumerate(articles)], threshold)


def copies_of(docs: list[CopyDoc], threshold: float = THRESHOLD) -> dict[tuple[int, int], Copy]:
    """:func:`find_copies` over slim documents. Sentences only ever meet the sentences they share an LSH
    bucket with, so a subset of documents closed under shared buckets gives the same copies as the whole run."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sets: dict[tuple[int, int], set[str]] = {}
    order = sorted(docs, key=lambda d: _order_key(d.position, d.published))
    rank = {d.position: r for r, d in enumerate(order)}
    copies: dict[tuple[int, int], Copy] = {}
    exact: dict[frozenset[str], tuple[int, int]] = {}  # a sentence seen word for word: its first place
    for doc in order:
        i = doc.position
        mine: list[tuple[tuple[int, int], MinHash, set[str]]] = []
        for index, sent in doc.sentences:
            sh = shingles(sent)
            if not sh:
                continue
            seen = exact.get(frozenset(sh))
            if seen is not None and seen[0] != i:
                # word for word the same as an earlier article's sentence: a copy of its original, found
                # without the index, and not indexed again (many verbatim copies stay linear)
                origin = copies.get(seen)
                copies[(i, index)] = Copy(i, index, origin.original if origin else seen[0],
                                          origin.original_sentence if origin else seen[1], 1.0)
                continue
            sig = _signature(sh)
            best: Copy | None = None
            # candidates in run order (earliest article, first sentence): ties go the same way on every machine
            for key in sorted(lsh.query(sig), key=lambda k: (rank[k[0]], k[1])):
                j, k = key
                if j == i:
                    continue
                other = sets[key]
                sim = len(sh & other) / len(sh | other)
                if sim >= threshold and (best is None or sim > best.similarity
                                         or (sim == best.similarity and rank[j] < rank[best.original])):
                    best = Copy(i, index, j, k, round(sim, 3))
            if best is not None:
                origin = copies.get((best.original, best.original_sentence))
                if origin is not None:  # a copy of a copy: point at the first
                    best = Copy(i, index, origin.original, origin.original_sentence, best.similarity)
                copies[(i, index)] = best
            mine.append(((i, index), sig, sh))
        for key, sig, sh in mine:  # after the article: its own sentences never match each other
            sets[key] = sh
            lsh.insert(key, sig)
            exact.setdefault(frozenset(sh), key)
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
