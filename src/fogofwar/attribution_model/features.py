"""Token features from the dependency parse, for the cue tagger and the role tagger.

The cue tagger sees each token with its neighbours (words, tags, lemma n-grams within
±2), its head and children (does it govern a subject, a clausal complement, a quotation),
and its sentence (quotation marks, colons, dashes); a linear-chain CRF adds the tag
transitions. The role tagger sees each token of a window around one cue, described by where it sits relative
to the cue's head in the tree (the dependency labels on the path between them), so it
learns PolNeAR's span conventions: what a source phrase includes, where content starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

QUOTES = set('"“”„«»') | {"''", "``"}  # "''" is a quotation mark in some PolNeAR sources


@dataclass
class DocInfo:
    """Per-token facts computed once per document."""

    doc: Doc
    sent_of: list[int]  # sentence number of each token
    sent_bounds: list[tuple[int, int]]  # token range of each sentence
    in_quote: list[bool]  # between an opening and a closing quotation mark
    static: list[list[str]]  # context-free features of each token
    cue_static: list[list[str]]  # context-free cue evidence of each token
    sent_facts: list[str]  # per sentence: quotation mark, colon, dash
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
        if ch in ('"', "''", "``"):
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
    in_quote = _quote_state(doc)
    return DocInfo(doc, sent_of, bounds, in_quote, [_static(t) for t in doc],
                   [_cue_static(t, in_quote) for t in doc], _sent_facts(doc, bounds), ancestors,
                   [t.lower_ for t in doc], [t.lemma_ for t in doc], [t.pos_ for t in doc],
                   [t.tag_ for t in doc], [t.dep_ for t in doc], [_shape(t) for t in doc],
                   [t.head.i for t in doc], [t.left_edge.i for t in doc], [t.right_edge.i for t in doc],
                   [t.is_space for t in doc], [t.idx for t in doc], [t.idx + len(t.text) for t in doc])


def _sent_facts(doc: Doc, bounds: list[tuple[int, int]]) -> list[str]:
    """Per sentence: does it hold a quotation mark, a colon, a dash (cues PolNeAR marks there)."""
    out = []
    for s, e in bounds:
        texts = {doc[k].text for k in range(s, e)}
        out.append("sq=" + str(bool(texts & QUOTES)) + "|sc=" + str(":" in texts) +
                   "|sd=" + str(bool(texts & {"-", "--", "\u2014", "\u2013"})))
    return out


def cue_features(info: DocInfo, i: int) -> list[str]:
    """Features of token i for the cue tagger (a linear-chain CRF adds the tag transitions)."""
    lemma = info.lemma[i]
    sent = info.sent_bounds[info.sent_of[i]]
    feats = ["bias"] + info.static[i] + info.cue_static[i]
    feats.append("inq=" + str(info.in_quote[i]))
    feats.append(info.sent_facts[info.sent_of[i]])
    for off in (-2, -1, 1, 2):
        j = i + off
        inside = sent[0] <= j < sent[1]
        feats.append(f"w{off}=" + (info.lower[j] if inside else "<s>"))
        feats.append(f"p{off}=" + (info.tag[j] if inside else "<s>"))
        if off in (-1, 1):
            feats.append(f"l{off}+dep=" + (info.lemma[j] + "|" + info.dep[j] if inside else "<s>"))
    if i > sent[0]:
        feats.append("l-1+l=" + info.lemma[i - 1] + "|" + lemma)
        feats.append("p-1+l=" + info.tag[i - 1] + "|" + lemma)
    if i + 1 < sent[1]:
        feats.append("l+l1=" + lemma + "|" + info.lemma[i + 1])
        feats.append("l+p1=" + lemma + "|" + info.tag[i + 1])
    if i + 2 < sent[1]:
        feats.append("l+l1+l2=" + lemma + "|" + info.lemma[i + 1] + "|" + info.lemma[i + 2])
    feats.append("first=" + str(i == sent[0]) + "|last=" + str(i == sent[1] - 1))
    feats.append("sh-1=" + (info.shape[i - 1] if i > sent[0] else "<s>") + "|sh+1=" +
                 (info.shape[i + 1] if i + 1 < sent[1] else "</s>"))
    return feats


def _cue_static(t: Token, in_quote: list[bool]) -> list[str]:
    """Context-free cue evidence: what the token governs and where its head is."""
    head = t.head
    out = ["hdep=" + head.dep_, "hl+dep=" + head.lemma_ + "|" + t.dep_ + "|" + t.pos_,
           "ent=" + t.ent_type_]
    kids = list(t.children)
    subj = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    for c in subj:
        out.append("subj=" + (c.ent_type_ or c.pos_))
        out.append("l+subj=" + t.lemma_ + "|" + (c.ent_type_ or c.pos_))
    comp = [c for c in kids if c.dep_ in ("ccomp", "xcomp", "parataxis")]
    for c in comp:
        quoted = any(x.text in QUOTES for x in c.subtree) or in_quote[c.i]
        out.append("comp=" + c.dep_ + "|q=" + str(quoted))
        out.append("l+comp=" + t.lemma_ + "|" + c.dep_)
    if t.dep_ in ("ccomp", "parataxis") and (in_quote[t.i] != in_quote[head.i]):
        out.append("quoted-clause-head")
    if any(c.text in QUOTES for c in kids):
        out.append("kid-quote")
    if t.i + 1 < len(t.doc) and t.doc[t.i + 1].text in (":", ",") and t.i + 2 < len(t.doc) and \
            t.doc[t.i + 2].text in QUOTES:
        out.append("then-quote=" + t.doc[t.i + 1].text)
    suffix = t.lower_[-3:]
    out.append("suf=" + suffix)
    return out


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


def role_features(info: DocInfo, cue: tuple[int, int], c: int, t: int) -> list[str]:
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
    ent = info.doc[t].ent_type_
    feats = ["bias", "side=" + side, "dist=" + _bucket(max(dist, 0)),
             "soff=" + str(s_off), "w=" + info.lower[t], "l=" + info.lemma[t], "pos=" + pos, "tag=" + info.tag[t],
             "dep=" + info.dep[t], "sh=" + info.shape[t], "inq=" + inq, "cl=" + info.lemma[c], "cdep=" + info.dep[c],
             "ent=" + ent, "side+ent=" + side + "|" + ent, "side+pos=" + side + "|" + pos,
             "side+w=" + side + "|" + info.lower[t], "soff+side=" + str(s_off) + side,
             "sstart=" + str(t == sent[0]), "send=" + str(t == sent[1] - 1),
             "cinq=" + str(info.in_quote[c]), "inq+side=" + inq + side, "inq+cinq=" + inq + str(info.in_quote[c]),
             "cl+side=" + info.lemma[c] + "|" + side, "dist+side=" + _bucket(max(dist, 0)) + side]
    feats += rel
    feats += [r + "|side=" + side for r in rel]
    feats += [r + "|pos=" + pos for r in rel[:3]]
    feats += [r + "|cl=" + info.lemma[c] for r in rel[1:3]]
    for off in (-2, -1, 1, 2):
        j = t + off
        if 0 <= j < n:
            feats += [f"w{off}=" + info.lower[j], f"pos{off}=" + info.pos[j]]
            if cue[0] <= j < cue[1]:
                feats.append(f"cue{off}")
        else:
            feats.append(f"w{off}=<d>")
    # the left and right edges of the phrase the token heads or belongs to
    feats.append("ledge=" + str(info.left_edge[t] == t) + "|" + info.dep[info.head[t]])
    feats.append("redge=" + str(info.right_edge[t] == t))
    h = info.head[t]
    feats.append("hl=" + info.lemma[h] + "|" + info.dep[t])
    feats.append("hiscue=" + str(cue[0] <= h < cue[1]) + "|" + info.dep[t])
    return feats
