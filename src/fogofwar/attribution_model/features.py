"""Token features from the dependency parse, for the cue tagger and the role tagger.

The cue tagger sees each token alone (word, lemma, tags, head, children). The role
tagger sees each token of a window around one cue, described by where it sits relative
to the cue's head in the tree (the dependency labels on the path between them), so it
learns PolNeAR's span conventions: what a source phrase includes, where content starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

QUOTES = set('"“”„«»')


@dataclass
class DocInfo:
    """Per-token facts computed once per document."""

    doc: Doc
    sent_of: list[int]  # sentence number of each token
    sent_bounds: list[tuple[int, int]]  # token range of each sentence
    in_quote: list[bool]  # between an opening and a closing quotation mark
    static: list[list[str]]  # context-free features of each token
    ancestors: list[list[int]]  # token indices from the token up to its sentence root
    lower: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    shape: list[str]
    head: list[int]
    left_edge: list[int]
    right_edge: list[int]
    space: list[bool]
    idx: list[int]  # character offset of each token
    end: list[int]  # character end of each token


def _quote_state(doc: Doc) -> list[bool]:
    """Per token: inside a quotation (curly quotes open/close, straight ones toggle)."""
    out, inside = [], False
    for t in doc:
        ch = t.text
        if ch in ("“", "«", "„"):
            out.append(False)
            inside = True
            continue
        if ch in ("”", "»"):
            out.append(False)
            inside = False
            continue
        if ch == '"':
            out.append(False)
            inside = not inside
            continue
        if t.is_sent_start and "\n" in (t.nbor(-1).text_with_ws if t.i else ""):
            inside = False  # a paragraph break closes an unbalanced quotation
        out.append(inside)
    return out


def _shape(t: Token) -> str:
    if t.is_punct:
        return "P" + t.text[:1]
    if t.text[:1].isupper():
        return "Cap"
    if t.like_num:
        return "Num"
    return "low"


def _static(t: Token) -> list[str]:
    head = t.head
    kids = sorted({c.dep_ for c in t.children})
    return [
        "w=" + t.lower_, "l=" + t.lemma_, "pos=" + t.pos_, "tag=" + t.tag_, "dep=" + t.dep_,
        "sh=" + _shape(t), "hl=" + head.lemma_, "hp=" + head.pos_, "dep+hp=" + t.dep_ + "|" + head.pos_,
        "l+dep=" + t.lemma_ + "|" + t.dep_,
        "l+dep+hl=" + t.lemma_ + "|" + t.dep_ + "|" + head.lemma_,
    ] + ["kid=" + k for k in kids] + ["l+kid=" + t.lemma_ + "|" + k for k in kids if k in
                                        ("ccomp", "nsubj", "dobj", "xcomp", "prep", "agent", "advcl", "pobj")] + [
        "kidl=" + c.dep_ + "|" + c.lower_ for c in t.children if c.dep_ in ("prep", "mark", "aux", "neg", "punct")]


def doc_info(doc: Doc) -> DocInfo:
    sent_of = [0] * len(doc)
    bounds = []
    for n, sent in enumerate(doc.sents):
        bounds.append((sent.start, sent.end))
        for i in range(sent.start, sent.end):
            sent_of[i] = n
    ancestors = []
    for t in doc:
        chain, cur = [t.i], t
        while cur.head.i != cur.i and len(chain) < 40:
            cur = cur.head
            chain.append(cur.i)
        ancestors.append(chain)
    return DocInfo(doc, sent_of, bounds, _quote_state(doc), [_static(t) for t in doc], ancestors,
                   [t.lower_ for t in doc], [t.lemma_ for t in doc], [t.pos_ for t in doc],
                   [t.tag_ for t in doc], [t.dep_ for t in doc], [_shape(t) for t in doc],
                   [t.head.i for t in doc], [t.left_edge.i for t in doc], [t.right_edge.i for t in doc],
                   [t.is_space for t in doc], [t.idx for t in doc], [t.idx + len(t.text) for t in doc])


def cue_features(info: DocInfo, i: int, prev: str, prev2: str) -> list[str]:
    """Features of token i for the cue tagger (prev, prev2: the tags already given)."""
    n = len(info.lower)
    lemma = info.lemma[i]
    feats = ["bias", "pt=" + prev, "pt2=" + prev + prev2] + info.static[i]
    feats.append("inq=" + str(info.in_quote[i]))
    for off in (-2, -1, 1, 2):
        j = i + off
        w = info.lower[j] if 0 <= j < n and info.sent_of[j] == info.sent_of[i] else "<s>"
        feats.append(f"w{off}={w}")
    if i > 0:
        feats.append("l-1+l=" + info.lemma[i - 1] + "|" + lemma)
        feats.append("pt+l=" + prev + "|" + lemma)
    if i + 1 < n:
        feats.append("l+l1=" + lemma + "|" + info.lemma[i + 1])
    feats.append("pt+pos=" + prev + "|" + info.pos[i])
    sent = info.sent_bounds[info.sent_of[i]]
    feats.append("first=" + str(i == sent[0]) + "|last=" + str(i == sent[1] - 1))
    feats.append("sh-1=" + (info.shape[i - 1] if i > sent[0] else "<s>") + "|sh+1=" +
                 (info.shape[i + 1] if i + 1 < sent[1] else "</s>"))
    return feats


def cue_head(doc: Doc, start: int, end: int) -> int:
    """The token of a cue span whose head lies outside it (its syntactic head)."""
    for i in range(start, end):
        h = doc[i].head.i
        if h == i or not (start <= h < end):
            return i
    return end - 1


def _bucket(n: int) -> str:
    for b in (0, 1, 2, 3, 5, 8, 12, 20, 40):
        if n <= b:
            return str(b)
    return "far"


def relation(info: DocInfo, c: int, t: int) -> list[str]:
    """Where token t sits relative to the cue head c in the tree."""
    if t == c:
        return ["rel=self"]
    anc_t, anc_c = info.ancestors[t], info.ancestors[c]
    deps = info.dep
    if c in anc_t:  # t is below the cue
        path = anc_t[:anc_t.index(c)][::-1]  # from the child of c down to t
        labels = [deps[k] for k in path]
        return ["rel=down", "d1=" + labels[0], "d12=" + ">".join(labels[:2]),
                "d123=" + ">".join(labels[:3]), "ddepth=" + _bucket(len(labels))]
    set_c = set(anc_c)
    common = next((k for k in anc_t if k in set_c), None)
    if common is None:
        return ["rel=none"]
    up = anc_c[:anc_c.index(common)]
    up_labels = [deps[k] for k in up]
    down = anc_t[:anc_t.index(common)][::-1]
    down_labels = [deps[k] for k in down]
    u = ">".join(up_labels[:2])
    return ["rel=up", "u=" + u, "u+d1=" + u + "|" + (down_labels[0] if down_labels else "-"),
            "u+d12=" + u + "|" + ">".join(down_labels[:2]), "udepth=" + _bucket(len(up_labels)),
            "dd=" + _bucket(len(down_labels))]


def role_features(info: DocInfo, cue: tuple[int, int], c: int, t: int, prev: str, prev2: str) -> list[str]:
    """Features of token t in the window of a cue (token range, head c) for the role tagger."""
    n = len(info.lower)
    pos = info.pos[t]
    s_off = info.sent_of[t] - info.sent_of[c]
    if cue[0] <= t < cue[1]:
        side = "cue"
    else:
        side = "before" if t < cue[0] else "after"
    dist = cue[0] - t if t < cue[0] else t - cue[1] + 1
    rel = relation(info, c, t) if s_off == 0 else ["rel=sent" + str(s_off)]
    inq = str(info.in_quote[t])
    sent = info.sent_bounds[info.sent_of[t]]
    feats = ["bias", "pt=" + prev, "pt2=" + prev + prev2, "side=" + side, "dist=" + _bucket(max(dist, 0)),
             "soff=" + str(s_off), "w=" + info.lower[t], "pos=" + pos, "tag=" + info.tag[t], "dep=" + info.dep[t],
             "sh=" + info.shape[t], "inq=" + inq, "cl=" + info.lemma[c], "cdep=" + info.dep[c],
             "side+pt=" + side + "|" + prev, "side+pos+pt=" + side + "|" + pos + "|" + prev,
             "soff+side+pt=" + str(s_off) + side + prev,
             "sstart=" + str(t == sent[0]), "send=" + str(t == sent[1] - 1),
             "cinq=" + str(info.in_quote[c]), "inq+side+pt=" + inq + side + prev]
    feats += rel
    feats += [r + "|pt=" + prev for r in rel]
    feats += [r + "|pos=" + pos for r in rel[:3]]
    if t > 0:
        feats += ["w-1=" + info.lower[t - 1], "pos-1=" + info.pos[t - 1]]
    if t + 1 < n:
        feats += ["w+1=" + info.lower[t + 1], "pos+1=" + info.pos[t + 1]]
    # the left and right edges of the phrase the token heads or belongs to
    feats.append("ledge=" + str(info.left_edge[t] == t) + "|" + info.dep[info.head[t]])
    feats.append("redge=" + str(info.right_edge[t] == t))
    return feats
