"""Events: what happened, who did it, where, and whether it happened at all.

Triggers come from data/events.json (verbs, particle verbs, multi-word
phrases, nominalisations, light-verb nouns). The dependency parse gives
the actor (subject, by-agent, possessor, controller of an infinitive), the
place (a place mention among the trigger's arguments, else the nearest in
its sentence) and the modality (threatened to, to avoid, plans to, could,
not). Sides come from the actor phrase (lexicon.side_of_text) with
pronouns resolved to the nearest subject that names a side.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.attrs import LEMMA, LOWER, POS
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc, Span, Token

from fogofwar import lexicon
from fogofwar.nlp import text_of
from fogofwar.models import Event, Place, Quantity

ARG_PREPS = {"in", "into", "from", "of", "to", "toward", "towards", "near", "around", "at", "outside", "across",
             "on", "over", "through", "inside", "within", "along", "off", "against"}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
PARTICIPATION_WORDS = {"involve", "involved", "participate", "engage", "engaged"}
PRONOUN_POSS = {"his", "her", "its", "their", "he", "she", "it", "they", "them", "our", "we"}
ANAPHORA = {"area": None, "city": "city", "town": "city", "village": "village"}


@dataclass
class Detected:
    """An event found in the parse, before ids, claims and dates are attached."""

    type: str
    trigger: Token
    trigger_tokens: list[Token]
    actor: Span | None = None
    actor_side: str | None = None
    place: Place | None = None
    modality: str = "asserted"
    quantities: list[Quantity] = field(default_factory=list)
    sentence: int = 0
    victim_side: str | None = None  # the side hit, where the actor is only implied ("suffered losses")
    enemy_of: str | None = None  # "the enemy" in the words of a source of this side: the other side acted
    victim: bool = False  # the actor phrase names the side hit, not the side acting
    guessed_place: bool = False  # the place is the sentence's nearest, not one of the trigger's arguments
    attacker_side: str | None = None  # the side of its sentence's attack, when victim_side is known
    fallback_side: str | None = None  # where the other side of victim_side is unclear: the last of its type
    speaker_side: str | None = None  # the side of the source in whose words the event stands
    weak_side: bool = False  # actor_side is only the last side of its type (a guess better evidence replaces)
    home_victim: bool = False  # the side hit is troops or police named by no side: the home state's, once known


@functools.lru_cache(maxsize=1)
def _cues() -> dict:
    return lexicon.load("cues.json")


def _lex() -> dict:
    return lexicon.load("events.json")


def _has_neg(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _modality(trigger: Token) -> str:
    """asserted, negated, hypothetical, or the governing verb's stance (threatened, planned...)."""
    lex = _lex()["modality"]
    by_lemma = {lemma: mode for mode, lemmas in lex.items() if mode not in ("hypothetical", "negated") for lemma in lemmas}
    token = trigger
    if trigger.pos_ in ("NOUN", "PROPN"):
        noun = trigger.head if trigger.dep_ == "compound" else trigger  # "death toll"
        if any(c.dep_ in ("det", "neg") and c.lower_ == "no" for c in noun.children):
            return "negated"  # "no casualties were reported"
        if noun.dep_ in ("dobj", "nsubjpass") and _has_neg(noun.head):
            return "negated"  # "the authorities have not published a death toll"
    for _ in range(4):
        if _has_neg(token):
            return "negated"
        if token.dep_ == "pcomp" and token.head.lower_ == "without":
            return "negated"  # "without providing evidence"
        if token.dep_ == "pcomp" and token.head.dep_ == "prep" and token.head.head.lemma_.lower() in by_lemma:
            return by_lemma[token.head.head.lemma_.lower()]  # "to prevent Hamas from regrouping"
        if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _lex()["factual_marks"] and not (
                c.lower_ == "before" and token.tag_ in ("VBP", "VBZ")) for c in token.children):
            return "asserted"  # "could not reach the wounded because tanks were firing": a stated cause
        if token.dep_ == "nsubj" and token.pos_ in ("NOUN", "PROPN") and any(
                c.dep_ == "aux" and c.lower_ in lex["hypothetical"] for c in token.head.children) and not (
                any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "its", "their") for c in token.children)
                and _pobj_of(token, {"of"})):
            return "hypothetical"  # "an all-out assault on El Fasher could trigger a massacre" (but "the capture
            # of Kilinochchi would not end the conflict" happened)
        if any(c.dep_ == "aux" and c.lower_ in lex["hypothetical"] for c in token.children):
            return "hypothetical"
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and not any(c.dep_ in ("aux", "nsubj") for c in token.children) \
                and any(c.dep_ == "aux" and c.lower_ in lex["hypothetical"] for c in token.head.children):
            return "hypothetical"  # "Wagner would hand its positions ... and pull its fighters back": shared "would"
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children):
            return "hypothetical"
        if token.tag_ in ("VBP", "VBZ") and any(c.dep_ in ("mark", "advmod") and c.lower_ in ("once", "until", "before")
                                                for c in token.children):
            return "hypothetical"  # "reprisals ... once government forces take control of the city": not yet
        if token.dep_ in ("acl", "relcl") and _purpose_infinitive(token):
            return "planned"  # "troops to help Kinshasa fight the rebels"
        if token.dep_ == "ccomp" and token.head.lemma_.lower() == "help":
            token = token.head  # "send troops to help Cameroon fight": the bare infinitive shares help's aim
            continue
        if token.dep_ in ("xcomp", "pcomp", "pobj", "dobj", "advcl") and token.head.i != token.i:
            head = token.head
            lemma = head.lemma_.lower()
            if lemma in by_lemma:
                return by_lemma[lemma]
            if lemma in ("call", "urge", "ask", "request", "appeal") and not (
                    lemma == "call" and (any(c.dep_ == "oprd" for c in head.children)
                                         or sum(c.dep_ == "dobj" for c in head.children) > 1)):
                return "requested"  # not "called the incursion a provocation": naming
            if _purpose_infinitive(token):
                return "planned"  # "recruited volunteers to fight alongside troops": an aim, not a deed
            if token.dep_ in ("xcomp", "pcomp", "advcl") or (
                    token.dep_ == "dobj" and token.pos_ in ("NOUN", "PROPN") and (
                        lemma in _lex()["light_verbs"] or lemma in _lex()["attack_light_verbs"])):
                token = head  # (an event noun stands as the verb that does it: "could push him to order
                continue  # offensives"; not "called on them to halt their advance", which was real)
        break
    return "asserted"


def _purpose_infinitive(token: Token) -> bool:
    """A "to" infinitive that states an aim ("sent troops to fight", "recruited ... to fight"),
    not one whose governing verb says it happened ("continued to advance", "claimed to have taken")."""
    if token.pos_ not in ("VERB", "AUX") or not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return False
    head = token.head
    return head.i != token.i and head.lemma_.lower() not in _lex()["implicative_verbs"]


def _object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in ("dobj", "obj"):
            return child
    return None


def _pobj_of(token: Token, preps: set[str]) -> list[Token]:
    out = []
    for child in token.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in preps:
            out.extend(c for c in child.children if c.dep_ == "pobj")
    return out


def _is_place_like(token: Token, place_tokens: set[int]) -> bool:
    if any(t.i in place_tokens for t in token.subtree):
        return True
    return token.lower_ in _lex()["settlement_nouns"] or token.lemma_.lower() in _lex()["settlement_nouns"]


def find_triggers(doc: Doc, place_tokens: set[int]) -> list[tuple[str, Token, list[Token]]]:
    """(type, head token, trigger tokens) for every trigger in the document."""
    lex = _lex()
    verbs, nouns = lex["verbs"], lex["nouns"]
    needing_place = lex["verbs_needing_place_object"]
    particles = lex["verb_particles"]
    light_nouns, light_verbs = lex["light_nouns"], set(lex["light_verbs"])
    casualty_objects = set(lex["casualty_objects"])
    phrases = [(p.split(), t) for p, t in lex["phrases"]]
    found: list[tuple[str, Token, list[Token]]] = []
    used: set[int] = set()

    # multi-word phrases over lemmas: "take control of", "go on the offensive"
    # (the token attributes are read as arrays: a Token object is made only for candidates)
    strings = doc.vocab.strings
    columns = doc.to_array([LEMMA, LOWER, POS]).tolist() if len(doc) else []
    lemma_of = functools.lru_cache(maxsize=None)(lambda h: strings[h].lower())
    lemmas = [lemma_of(c[0]) for c in columns]
    lowers = [strings[c[1]] for c in columns]
    pos = [POS_NAMES[c[2]] for c in columns]
    starts: dict[str, list[int]] = {}
    for i, (lemma, low) in enumerate(zip(lemmas, lowers)):
        starts.setdefault(lemma, []).append(i)
        if low != lemma:
            starts.setdefault(low, []).append(i)
    for words, etype in phrases:
        for i in starts.get(words[0], ()):
            span = _phrase_at(lemmas, lowers, pos, i, words)
            if span is None or any(j in used for j in span):
                continue
            if etype:
                inside = set(span)
                head = next((j for j in span if doc[j].head.i not in inside or doc[j].head.i == j), i)
                # the phrase's syntactic head stands for it: "fire" in "artillery fire", "take" in "take control of"
                found.append((etype, doc[head], [doc[j] for j in span]))
            used.update(span)
    irregular = lexicon.load("irregular_verbs.json")["forms"]
    vocabulary = _trigger_vocabulary()
    candidates = [i for i, (lemma, low) in enumerate(zip(lemmas, lowers))
                  if (lemma in vocabulary or low in vocabulary or irregular.get(low, lemma) in vocabulary) and i not in used]
    for token in (doc[i] for i in candidates):
        lemma = irregular.get(lowers[token.i], lemmas[token.i])
        etype: str | None = None
        tokens = [token]
        as_noun = token.pos_ == "VERB" and lemma not in verbs and token.lower_ in nouns  # "weaponry" mis-tagged
        as_verb = _participle_tagged_adjective(token, verbs)
        if as_verb:
            lemma = as_verb  # "... and reportedly advanced near Krynky": "advanced" tagged JJ
        if token.dep_ == "amod" and (token.lower_ in lex["non_event_modifiers"] or (
                token.i > 0 and doc[token.i - 1].text == "-" and token.tag_ == "VBN")):
            continue  # "surrounding districts"; "the Russian-occupied south" is a state, not an event
        if (token.pos_ == "VERB" and not as_noun) or (token.pos_ == "AUX" and lemma in verbs) or as_verb:
            prt = next((c for c in token.children if c.dep_ in ("prt", "advmod", "prep") and c.lower_ in
                        ("out", "back", "through", "off", "over", "forward", "away", "up", "across", "into")
                        and c.i == token.i + 1), None)  # "pulled out of Kherson", "broke through the line"
            split = next((c for c in token.children if c.dep_ in ("prt", "prep") and f"{lemma} {c.lower_}" in
                          lex["expulsion_particles"]), None)  # "drove the militants out"
            if prt is None:  # "pulled its last peacekeepers out of Kidal": the particle after an armed object
                obj = next((c for c in token.children if c.dep_ == "dobj"), None)
                late = next((c for c in token.children if c.dep_ in ("prt", "prep", "advmod") and c.lower_ in ("out", "back")
                             and obj is not None and c.i > obj.i), None)
                if late is not None and f"{lemma} {late.lower_}" in particles and _armed(_phrase(obj)):
                    prt = late
                reflexive = next((c for c in token.children if c.dep_ in ("prt", "advmod") and c.lower_ == "up"
                                  and obj is not None and obj.lower_ in ("himself", "herself", "themselves")
                                  and c.i == obj.i + 1), None)
                if reflexive is not None and f"{lemma} up" in particles:
                    prt = reflexive  # "a suicide bomber blew himself up near the air force headquarters"
            if split is not None or (prt is not None and f"{lemma} {prt.lower_}" in lex["expulsion_particles"]):
                etype = "withdrawal"  # "drove them out", "were pushed back": the expelled side withdraws
                tokens.append(split if split is not None else prt)
            elif prt is not None and f"{lemma} {prt.lower_}" in particles:
                etype = particles[f"{lemma} {prt.lower_}"]
                tokens.append(prt)
            elif lemma == "run" and prt is not None and prt.lower_ == "away":
                etype = "withdrawal"
                tokens.append(prt)
            elif lemma in lex["expulsion_verbs"]:
                etype = "withdrawal"
            elif lemma in lex["fall_verbs"]:
                winner = _fallen_to(token)  # "the command has fallen to rebels": taken by them
                etype = "capture" if winner is not None and (_armed(winner) or lexicon.side_of_text(winner.text)) else None
                subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
                if etype is None and winner is None and subject is not None and (
                        subject.i in place_tokens or subject.lemma_.lower() in ("city", "town", "village", "capital")):
                    etype = "capture"  # "denied that the town had fallen": taken, by the other side
            elif lemma in verbs and verbs[lemma]:
                etype = verbs[lemma]
            elif lemma in lex["troop_support_verbs"]:
                etype = "aid" if _troop_support(token) is not None else None  # "jets helped intercept"
            elif lemma in lex["launch_verbs"] and _launches_projectile(token):
                etype = "attack"  # "launched 32 drones and two missiles at Ukraine"
            elif lemma in verbs:
                etype = verbs[lemma]
            elif lemma in needing_place and not (lemma in lex["state_verbs"] and _standing_control(token)):
                obj = _object(token)  # ("the rebels now control two cities" states who holds them)
                passive_subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
                args = ([obj] if obj is not None else []) + _pobj_of(token, {"of", "into"}) + (
                    [passive_subject] if passive_subject is not None else [])  # "the town has been cleared"
                if any(_is_place_like(a, place_tokens) for a in args):
                    etype = needing_place[lemma]
                elif lemma in lex["intransitive_motion_verbs"] and obj is None and passive_subject is None \
                        and not _pobj_of(token, {"into", "from", "of"}) and _armed(_actor(token)):
                    etype = needing_place[lemma]  # "al Shabaab entered in the morning": armed, no object
                elif lemma in lex["victim_verbs"] and obj is not None and any(
                        t.lemma_.lower() in casualty_objects or t.lower_ in casualty_objects
                        for t in [obj, *_pobj_of(obj, {"of"})]):
                    etype = "casualties"  # "Russia had lost tens of thousands of troops"
            if etype == "capture":
                obj = _object(token)
                if obj is not None and obj.lemma_.lower() in lex["capture_non_place_objects"]:
                    etype = None  # "seized power in a coup", "took the initiative"
                elif obj is None and any(c.dep_ == "nsubjpass" and (c.lower_ in casualty_objects or c.lemma_.lower()
                                         in casualty_objects or (c.like_num and c.i not in place_tokens))
                                         for c in token.children):
                    etype = "casualties"  # "denied that any senior officers had been captured", "90 had been captured"
                elif obj is not None and obj.i not in place_tokens and any(
                        t.lower_ in casualty_objects or t.lemma_.lower() in casualty_objects
                        for t in [obj, *(_pobj_of(obj, {"of"}) if obj.pos_ in ("NOUN", "NUM") else [])]):
                    etype = "casualties"  # "captured 200 fighters near X", "captured hundreds of fighters": prisoners
                elif obj is None and token.dep_ == "acl" and (token.head.lower_ in casualty_objects
                                                              or token.head.lemma_.lower() in casualty_objects):
                    etype = "casualties"  # "3,000 Yazidi women and girls seized by the militants"
                elif obj is not None and obj.i not in place_tokens and obj.ent_type_ == "PERSON":
                    etype = "casualties"  # "troops had detained Ovidio Guzmán López": a person taken prisoner
            if etype == "withdrawal" and lemma in lex["rescue_verbs"]:
                obj = _object(token)
                if obj is not None and (obj.lemma_.lower() in lex["civilian_objects"] or obj.lower_ in lex["civilian_objects"]):
                    etype = "aid"  # "the army evacuated 400 people by helicopter": a rescue, not a retreat
            if etype in ("aid",) and lemma not in lex["troop_support_verbs"]:  # (their aid is the troops)
                obj = _object(token)
                if obj is None and lemma in lex["passive_aid_verbs"]:
                    obj = _passive_sent(token)  # "mercenaries have been deployed alongside the army"
                    if obj is not None and not lexicon.side_of_text(_phrase(obj).text):
                        obj = None  # "reinforcements had been sent": no donor named
                if obj is not None and lemma in lex["deployment_verbs"] and not _deployed_in_support(token):
                    obj = None  # "deployed troops to the border": a move of one's own forces, not aid
                troops = obj is not None and obj.lower_ in ("troops", "soldiers", "forces", "reinforcements")
                relative = obj is not None and obj.lower_ in ("which", "that", "who")  # "drones, which Tehran supplied"
                if obj is None or (obj.pos_ == "PRON" and not relative) or obj.lower_ in ("message", "signal", "letter") \
                        or obj.lemma_.lower() in lex["aid_abstract_objects"] or (
                        troops and _pobj_of(token, {"into", "across", "against", "toward", "towards"})):
                    etype = None  # "sent troops into Ukraine" is no aid; "sent troops to support X" is
            if etype in ("attack",) and lemma in ("fire", "hit", "target", "launch"):
                obj = _object(token)
                if lemma == "fire" and obj is not None and obj.ent_type_ == "PERSON":
                    etype = None
        elif token.pos_ in ("NOUN", "PROPN") or as_noun:
            low = token.lower_
            if low in nouns or lemma in nouns:
                etype = nouns.get(low) or nouns.get(lemma)
                if etype and low == "advance" and token.dep_ == "compound":
                    etype = None
                if etype == "aid" and low in lex["aid_noun_needs_donor"]:
                    if not (_donor(token) or _pobj_of(token, {"from", "by"})):
                        etype = None
                if low == "fall" and _pobj_of(token, {"of"}):
                    etype = "capture"
            elif low in lex["place_loss_nouns"] and any(
                    t.i in place_tokens for p in _pobj_of(token, {"of"}) for t in p.subtree):
                etype = "capture"  # "the loss of Ann": the place was taken
            elif (low in lex["force_operation_nouns"] or lemma in lex["force_operation_nouns"]) and any(
                    c.dep_ in ("amod", "compound") and (c.lower_ in lex["force_operation_modifiers"] or (
                        lexicon.side_of_text(c.text) not in (None, "INT") and c.pos_ in ("ADJ", "PROPN")))
                    for c in token.children):
                etype = "attack"  # "continued ground operations", "a military operation in Gaza"
            elif (low in lex["force_operation_nouns"] or lemma in lex["force_operation_nouns"]) and _pobj_of(token, {"against"}):
                etype = "attack"  # "operations against Islamic State"
            elif low in light_nouns or lemma in light_nouns:
                head = token.head
                if light_nouns.get(low) or light_nouns.get(lemma):
                    gov = head.head if head.dep_ == "prep" else head
                    if (token.dep_ in ("dobj", "pobj") and gov.lemma_.lower() in light_verbs) or (
                        token.dep_ == "nsubj" and head.lemma_.lower() in ("begin", "start", "continue", "gather")
                    ):
                        etype = light_nouns.get(low) or light_nouns.get(lemma)
                        if token.dep_ == "dobj" and gov.lemma_.lower() in lex["attack_light_verbs"]:
                            etype = "attack"  # "launched a major offensive in X": force used
                    elif token.dep_ == "pobj" and head.lower_ in ("in", "during") and head.head.pos_ == "VERB":
                        etype = "attack"  # "seized Goma in an offensive that killed ..."
                    elif any(c.dep_ == "prep" and c.lower_ == "by" and any(g.dep_ == "pobj" for g in c.children)
                             for c in token.children) and any(c.lower_ == "military" for c in token.children):
                        etype = "attack"  # "after a 24-hour military offensive by Azerbaijan": force used, by whom
                elif token.dep_ == "pobj" and head.lower_ in ("in", "during") and head.head.pos_ == "VERB" \
                        and {verbs.get(head.head.lemma_.lower()), needing_place.get(head.head.lemma_.lower())} & {
                            "capture", "attack"}:
                    etype = "attack"  # "took Gao in an operation on Saturday": the force used to take it
            elif (low in lex["war_nouns"] or lemma in lex["war_nouns"]) and any(
                    c.dep_ == "prep" and c.lower_ in ("in", "with", "against") and any(g.dep_ == "pobj" for g in c.children)
                    for c in token.children):
                etype = "attack"  # "the war in Gaza", "a year of war with Israel": a named use of force
            if not etype and (low in lex["war_nouns"] or lemma in lex["war_nouns"] or lemma in ("offensive",)) \
                    and _force_that_harmed(token):
                etype = "attack"  # "displaced by the offensive", "the war has killed 230,000 people"
        if not etype and token.pos_ in ("NOUN", "PROPN") and token.dep_ == "compound" and token.head.i in place_tokens \
                and verbs.get(token.lower_) and token.i + 1 == token.head.i:
            etype = verbs[token.lower_]  # "helped the army retake Bor": a verb the tagger took for a noun
        if not etype and token.pos_ == "ADJ" and token.dep_ in ("acomp", "oprd") and token.lower_ in lex["state_adjectives"]:
            etype = lex["state_adjectives"][token.lower_]  # "Ukrainian forces remain trapped in Krynky"
        if etype == "encirclement" and token.dep_ == "amod" and not _besieged_place(token, place_tokens):
            etype = None  # "food aid to trapped civilians": a description, not a stated encirclement
        if not etype and token.dep_ == "amod" and token.lower_ in lex["state_adjectives"] \
                and _besieged_place(token, place_tokens):
            etype = lex["state_adjectives"][token.lower_]  # "the besieged city of Mariupol": a siege stated
        if etype and _inside_name(token):
            etype = None  # "Ta'ang National Liberation Army", "Operation Strike": part of a name
        if etype and token.lower_ == "advance" and token.dep_ == "pobj" and token.head.lower_ == "in" \
                and not any(c.dep_ == "det" for c in token.children):
            etype = None  # "informed in advance"
        if etype:
            found.append((etype, token, tokens))
            if etype == "withdrawal" and _expels_from_place(token, place_tokens):
                found.append(("capture", token, tokens))  # "AMISOM pushed al-Shabab out of Mogadishu": taken
    for i in starts.get("receive", ()):  # "has received military support from Egypt"
        token = doc[i]
        if i not in used and token.pos_ == "VERB" and _received_from(token) is not None:
            found.append(("aid", token, [token]))
    for i in starts.get("control", ()):  # "the city centre is under our control", "came under Russian control"
        token = doc[i]
        if i not in used and _under_control(token) is not None and not any(f[1].i == i for f in found):
            found.append(("capture", token, [token.head, token]))
    found.sort(key=lambda f: f[1].i)
    return found


RECEIVED_AID = {"aid", "assistance", "support", "weapon", "weaponry", "arm", "equipment", "ammunition", "drone",
                "missile", "tank", "shipment", "delivery"}


HARM_VERBS = {"kill", "displace", "force", "uproot", "destroy", "wound", "claim"}


def _besieged_place(adjective: Token, place_tokens: set[int]) -> bool:
    """ "the besieged city of Mariupol", "besieged Mariupol": an adjective of siege on a named place."""
    head = adjective.head
    if head.i in place_tokens:
        return True
    return (head.lemma_.lower() in _lex()["settlement_nouns"] or head.lower_ in _lex()["settlement_nouns"]) and any(
        t.i in place_tokens for p in _pobj_of(head, {"of"}) for t in p.subtree)


def _force_that_harmed(noun: Token) -> bool:
    """A war, conflict or offensive said to have harmed people ("displaced by the offensive",
    "forced from their homes by the conflict", "the war has killed 230,000 people") or to have
    begun ("since the conflict began", "the conflict erupted in December"): force used."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "by" and head.dep_ == "agent" and head.head.lemma_.lower() in HARM_VERBS:
        return True
    if noun.dep_ == "nsubj" and head.lemma_.lower() in HARM_VERBS:
        return True
    return noun.lemma_.lower() != "offensive" and noun.dep_ == "nsubj" and head.lemma_.lower() in (
        "begin", "start", "erupt", "break")


def _standing_control(verb: Token) -> bool:
    """ "gangs control 85% of the capital", "who had controlled Timbuktu since April", "which had
    held Gao", "still controls the countryside", "the rebels now control two cities": who holds a
    place, not its taking ("leaders say they now control the town" is a claim to have taken it)."""
    now = verb.dep_ == "ccomp" and any(c.lower_ == "now" for c in verb.children)  # (said to be new, not stated)
    lasting = any((c.dep_ == "prep" and c.lower_ in ("since", "for")) or c.lower_ == "still" for c in verb.children)
    return lasting or (not now and (verb.tag_ in ("VBP", "VBZ") or verb.dep_ == "relcl"))


def _received_from(verb: Token) -> Span | None:
    """The giver in "X received military support / weapons from Y" (Y), when what is received is
    military help; None otherwise ("received reports from residents")."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None or obj.lemma_.lower() not in RECEIVED_AID:
        return None
    if obj.lemma_.lower() in ("support", "aid", "assistance") and not any(
            c.lower_ in ("military", "security", "defence", "defense", "lethal", "air") for c in obj.children):
        return None  # "received support from voters": military help only
    giver = next((g for c in verb.children if c.dep_ == "prep" and c.lower_ == "from"
                  for g in c.children if g.dep_ == "pobj"), None)
    return _phrase(giver) if giver is not None else None


CONTROL_VERBS = {"be", "come", "fall", "return", "pass"}


def _under_control(control: Token) -> Token | None:
    """The subject that "is / came / fell / returned under X control", when it names a place or a
    building (not "the fire was brought under control"); None otherwise. "remain" is no change."""
    prep = control.head
    if control.dep_ != "pobj" or prep.lower_ != "under" or prep.head.lemma_.lower() not in CONTROL_VERBS:
        return None
    if not any(c.dep_ in ("poss", "amod", "compound") or (c.dep_ == "prep" and c.lower_ == "of") for c in control.children):
        return None  # whose control must be said
    subject = next((c for c in prep.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return None
    return subject


def _controller(control: Token) -> Span | None:
    """Whose control: "our", "Ukrainian", "the army's", "of the rebels"."""
    for child in control.children:
        if child.dep_ in ("poss", "amod", "compound"):
            return control.doc[child.i: child.i + 1] if child.dep_ != "poss" else _phrase(child)
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase(pobj)
    return None


def _phrase_at(lemmas: list[str], lowers: list[str], pos: list[str], i: int, words: list[str]) -> list[int] | None:
    """Token indices of a trigger phrase starting at i, by lemma or form; an adjective or adverb
    (up to three tokens, hyphens included) may sit inside it ("taken full control of", "traded
    near-daily fire")."""
    n = len(lemmas)
    at, out = i, []
    for k, word in enumerate(words):
        if at >= n:
            return None
        if k > 0 and word not in (lemmas[at], lowers[at]) and pos[at] in ("ADJ", "ADV"):
            skip = next((j for j in range(at + 1, min(at + 4, n)) if word in (lemmas[j], lowers[j])), None)
            if skip is not None and all(pos[j] in ("ADJ", "ADV") or lowers[j] == "-" for j in range(at, skip)):
                at = skip  # (also a hyphenated modifier: "traded near-daily fire")
        if word not in (lemmas[at], lowers[at]):
            return None
        out.append(at)
        at += 1
    return out


def _inside_name(token: Token) -> bool:
    """A trigger word that is part of a proper name, not an event."""
    if token.ent_type_ in ("ORG", "PERSON", "WORK_OF_ART", "LAW", "PRODUCT", "NORP", "FAC"):
        return True
    return token.pos_ == "PROPN" and token.text[:1].isupper() and not token.is_sent_start \
        and any(n.pos_ == "PROPN" for n in (token.nbor(-1), token.nbor(1) if token.i + 1 < len(token.doc) else token))


def _donor(noun: Token) -> str | None:
    """A side named in a noun's modifiers ("U.S. assistance", "Western weaponry")."""
    mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
    if noun.dep_ == "compound":  # "U.S. aid package": the donor modifies the whole compound
        mods += [c for c in noun.head.children if c.dep_ in ("compound", "amod", "poss", "nmod") and c.i < noun.i]
    text = " ".join(c.text for c in mods)
    return lexicon.side_of_text(text) if text else None


def _launches_projectile(verb: Token) -> bool:
    """A launch verb whose object (or a conjunct of it) is a drone, missile, rocket or shell."""
    obj = _object(verb)
    if obj is None:
        return False
    projectiles = set(_lex()["projectiles"])
    heads = [obj, *obj.conjuncts]
    heads += [t for h in heads for t in _pobj_of(h, {"of"})]  # "a squadron of attack drones", "a barrage of missiles"
    return any(t.lemma_.lower() in projectiles or t.lower_.rstrip("s") in projectiles for t in heads)


@functools.lru_cache(maxsize=1)
def _trigger_vocabulary() -> frozenset[str]:
    """Every lemma or lower-case form that can start a one-word trigger (a cheap pass skips the
    rest of the tokens): lexicon verbs and nouns, particle verbs, and past participles of verbs."""
    lex = _lex()
    words: set[str] = set()
    for key in ("verbs", "verbs_needing_place_object", "nouns", "light_nouns"):
        words.update(lex[key])
    for key in ("launch_verbs", "expulsion_verbs", "force_operation_nouns", "fall_verbs", "place_loss_nouns", "war_nouns",
                "state_adjectives", "troop_support_verbs"):
        words.update(lex[key])
    for key in ("verb_particles", "expulsion_particles"):
        words.update(phrase.split()[0] for phrase in lex[key])
    words.add("run")  # "ran away"
    for verb in lex["verbs"]:
        words.update({verb + "d", verb + "ed", verb + verb[-1:] + "ed"})  # "advanced" tagged JJ
    return frozenset(words)


def _participle_tagged_adjective(token: Token, verbs: dict) -> str | None:
    """The verb lemma of a past participle the tagger called an adjective where only a verb can
    stand: heading a clause or conjoined with a verb ("continued ... and advanced near X")."""
    if token.pos_ != "ADJ" or not token.lower_.endswith("ed"):
        return None
    if token.dep_ not in ("conj", "ROOT", "ccomp", "advcl") and not any(c.dep_ == "auxpass" for c in token.children):
        return None  # ("at risk of being encircled": a passive participle all the same)
    if token.dep_ == "conj" and token.head.pos_ not in ("VERB", "AUX"):
        return None
    low = token.lower_
    for lemma in (low[:-1], low[:-2], low[:-3]):  # advanced, attacked, shelled -> shell; shelled[:-3] = "shel"
        if lemma in verbs:
            return lemma
    return None


def _phrase(head: Token) -> Span:
    """A noun phrase without its clauses."""
    skip = set()
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "advcl", "punct", "appos", "cc", "conj") and child.i > head.i:
            skip.update(t.i for t in child.subtree)
    toks = [t for t in head.subtree if t.i not in skip]
    return head.doc[toks[0].i: toks[-1].i + 1] if toks else head.doc[head.i: head.i + 1]


def _nominal(token: Token) -> bool:
    lex = _lex()
    return token.pos_ in ("NOUN", "PROPN") or (
        token.lower_ in lex["nouns"] and token.lemma_.lower() not in lex["verbs"])


def _expelled(trigger: Token) -> Span | None:
    """Who withdrew in "Y drove X out" / "X was pushed back by Y" / "before being pushed back"."""
    obj = _object(trigger)
    if obj is not None and not any(c.dep_ == "nsubjpass" for c in trigger.children):
        return _phrase(obj)
    subj = next((c for c in trigger.children if c.dep_ == "nsubjpass"), None)
    if subj is not None:
        return _phrase(subj)
    token = trigger
    for _ in range(4):  # "seized parts of Gondar before being pushed back": the clause's subject
        if token.head.i == token.i:
            break
        token = token.head
        subj = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and token.pos_ in ("VERB", "AUX"):
            return _phrase(subj)
    return None


def _expels_from_place(verb: Token, place_tokens: set[int]) -> bool:
    """An active expulsion from a named place ("pushed al-Shabab out of Mogadishu", "drove the
    rebels from Kidal"): the subject took the place, as the expelled left it."""
    if verb.pos_ not in ("VERB", "AUX") or not _is_expulsion(verb) or any(c.dep_ == "nsubjpass" for c in verb.children):
        return False
    if not any(c.dep_ == "nsubj" for c in verb.children):
        return False
    origins = [t for prep in verb.children if prep.dep_ in ("prep", "prt") and prep.lower_ in ("out", "from")
               for t in prep.subtree if t.i != prep.i]
    return any(t.i in place_tokens for t in origins)


def _is_expulsion(trigger: Token) -> bool:
    lex = _lex()
    lemma = trigger.lemma_.lower()
    return lemma in lex["expulsion_verbs"] or any(
        c.dep_ in ("prt", "advmod", "prep") and f"{lemma} {c.lower_}" in lex["expulsion_particles"]
        for c in trigger.children)


def _actor(trigger: Token) -> Span | None:
    """Who performed the event, from the parse."""
    if trigger.lower_ == "control" and _under_control(trigger) is not None:
        return _controller(trigger)
    if trigger.lemma_.lower() == "receive" and trigger.pos_ == "VERB":
        giver = _received_from(trigger)
        if giver is not None:
            return giver  # the giver gave: "received weapons from Iran" is Iran's aid
    if trigger.pos_ in ("VERB", "AUX") and trigger.lemma_.lower() in _lex()["troop_support_verbs"]:
        helper = _troop_support(trigger)
        if helper is not None:
            return helper
    if trigger.pos_ in ("VERB", "AUX") and _is_expulsion(trigger):
        return _expelled(trigger)
    accused = _accused(trigger)
    if accused is not None:
        return accused
    between = _between(trigger)
    if between is not None:
        return between  # "fighting between rebels and government forces"
    if trigger.pos_ in ("VERB", "AUX") and trigger.lemma_.lower() in _lex()["passive_aid_verbs"]:
        sent = _passive_sent(trigger)
        if sent is not None:
            return _phrase(sent)  # "Russian mercenaries have been deployed": Russia sent them
    if trigger.pos_ in ("VERB", "AUX") and trigger.lemma_.lower() in _lex()["fall_verbs"]:
        return _fallen_to(trigger)
    if _nominal(trigger) and trigger.lower_ in _lex()["place_loss_nouns"] and _pobj_of(trigger, {"of"}):
        return None  # "the loss of Ann": its possessor lost it
    token = trigger
    if _nominal(token):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and (child.lower_ == "by" or pobj.pos_ == "PROPN" or _armed(_phrase(pobj))
                                         or lexicon.side_of_text(_phrase(pobj).text)):
                    return _phrase(pobj)  # (not "an assault from several directions")
            if child.dep_ == "poss" and child.ent_type_ not in ("DATE", "TIME"):
                return _phrase(child)  # (not "Monday's attack")
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.lemma_.lower() in ("force", "troop", "army", "unit", "soldier", "fighter"):
                    return _phrase(pobj)
        if _donor(token):
            mods = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "poss")]
            if token.dep_ == "compound":
                mods += [c for c in token.head.children if c.dep_ in ("compound", "amod", "nmod", "poss") and c.i < token.i]
            if mods:
                return token.doc[min(m.i for m in mods): token.i]
        for child in token.subtree:
            if child.i < token.i and child.dep_ in ("compound", "nmod") \
                    and child.lemma_.lower() in _lex()["anaphoric_actor_heads"]:
                return token.doc[child.i: child.i + 1]  # "army drone strikes": the army did it
            if child.i < token.i and child.head.i == token.i and child.dep_ in ("compound", "nmod", "amod") \
                    and child.lower_ in _lex()["armed_modifiers"]:
                return token.doc[child.i: child.i + 1]  # "a rebel ambush": the rebels named before
            if child.i < token.i and child.head.i == token.i and child.dep_ == "amod" and child.pos_ == "ADJ" \
                    and lexicon.side_of_text(child.text):
                return token.doc[child.i: child.i + 1]  # "Ukrainian shelling had intensified"
        # object of a light verb: the verb's subject did it
        first = token
        while first.dep_ == "conj" and first.head.pos_ in ("NOUN", "PROPN") and first.head.i != first.i:
            first = first.head
        if first is not token and first.dep_ == "dobj" and (
                first.head.lemma_.lower() in _lex()["light_verbs"] or first.head.lemma_.lower() in _lex()["attack_light_verbs"]):
            token = first  # "carrying out air and artillery strikes": the light verb's object, through "and"
        head = token.head
        claimant = _responsibility_claimant(token)
        if claimant is not None:
            return claimant  # "JNIM claimed responsibility for the attack"
        if token.dep_ == "nsubjpass" and head.pos_ in ("VERB", "AUX"):
            agent = next((g for c in head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
            if agent is not None:
                return _phrase(agent)  # "the assault was led by the Viv Ansanm coalition"
        if token.dep_ == "pobj" and head.lower_ == "in" and head.head.lemma_.lower() in PARTICIPATION_WORDS \
                and not _has_neg(head.head):  # ("was not involved in the fighting": no one named)
            subject = next((c for c in head.head.children if c.dep_ in SUBJECT_DEPS), None)
            if subject is not None:
                return _phrase(subject)  # "Russian warplanes had been involved in the attack"
        if token.dep_ == "pobj" and head.lower_ == "to" and head.head.lemma_.lower() in _lex()["stop_nouns"]:
            return None  # "called for an immediate halt to the strikes": not the caller's strikes
        if token.dep_ in ("dobj", "oprd", "attr") and (head.lemma_.lower() in _lex()["reaction_verbs"]
                                                       or head.lemma_.lower() in _lex()["perception_verbs"]):
            return None  # "Iran's spokesman condemned the strikes", "residents heard gunfire": no striker
        if _retreated_before(token) is not None:
            return None  # "fled south before the assault": those who fled did not assault
        if token.dep_ in ("dobj", "attr", "oprd") or (token.dep_ == "pobj" and head.dep_ == "prep"):
            token = head.head if token.dep_ == "pobj" else head
        else:
            return None
    adjunct = False  # climbing from "after inflicting casualties"
    for _ in range(6):
        passive = any(c.dep_ == "nsubjpass" for c in token.children)
        for child in token.children:
            if child.dep_ == "agent":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return _phrase(pobj)
        if not passive:
            subjects = [c for c in token.children if c.dep_ == "nsubj" and c.ent_type_ not in ("DATE", "TIME")]
            subj = subjects[0] if subjects else None
            if len(subjects) > 1 and subjects[1].i == subjects[0].i + 1 + sum(
                    1 for t in subjects[1].lefts if t.i > subjects[0].i):
                # "the paramilitary Rapid Support Forces entered": one phrase the parser split in two
                return token.doc[subjects[0].left_edge.i: subjects[1].i + 1]
            if subj is not None and subj.lower_ in ("who", "that", "which") and token.dep_ == "relcl":
                return _phrase(token.head)  # "residents who reached Dnipro": the antecedent
            if subj is not None:  # ("claimed on Tuesday to have captured": "Tuesday" is no subject)
                return _phrase(subj)
        if token.dep_ == "xcomp" and not adjunct:
            controller = _object(token.head) or next(
                (t for t in _pobj_of(token.head, {"on"}) if t.ent_type_ not in ("DATE", "TIME")), None)
            # "called on Kyiv to withdraw" (not "claimed on Tuesday to have captured")
            if controller is not None:
                return _phrase(controller)
        if token.dep_ in ("acl",) and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _phrase(token.head)
        if token.dep_ in ("xcomp", "ccomp", "advcl", "acl") and token.head.lemma_.lower() in _lex()["perception_verbs"]:
            seen = _object(token.head)
            if seen is not None and seen.i < token.i:
                return _phrase(seen)  # "we saw armed men shooting at everyone": the men shot
        if token.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp", "acl", "relcl", "prep", "pobj", "dobj") \
                and token.head.i != token.i:
            if token.dep_ == "relcl":
                return _phrase(token.head)
            if token.dep_ == "ccomp" and token.pos_ in ("VERB", "AUX"):
                return None  # a reported clause does not share the reporter as its actor
            if token.dep_ == "pcomp" and token.head.lower_ in ("after", "before", "while", "by"):
                adjunct = True  # "forced the soldiers to retreat after inflicting casualties": the forcer
                # inflicted them, not the forced (the parser hangs the adjunct on "retreat")
            token = token.head
            continue
        break
    return None


def _between(noun: Token) -> Span | None:
    """ "Fighting between rebels and government forces": the parties named after "between"."""
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "between"), None)
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    return pobj.doc[pobj.left_edge.i: pobj.right_edge.i + 1] if pobj is not None else None


def _retreated_before(noun: Token) -> Span | None:
    """The subject of a retreat that an attack noun is the time of ("withdrew from the airport after a
    drone strike", "fled south before the assault"): the side hit, not the attacker."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in _lex()["adjunct_time_preps"]:
        return None
    verb = prep.head
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in _lex()["retreat_verbs"]:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None and verb.dep_ == "xcomp":  # "appeared to have fled"
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    return _phrase(subject) if subject is not None else None


def _responsibility_claimant(noun: Token) -> Span | None:
    """ "X claimed responsibility for the attack": X did it (also "took responsibility for")."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "for" or prep.head.lemma_.lower() != "responsibility":
        return None
    verb = prep.head.head
    if prep.head.dep_ != "dobj" or verb.lemma_.lower() not in ("claim", "take", "assume", "accept", "admit"):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return _phrase(subject) if subject is not None else None


def _encircled(trigger: Token) -> Span | None:
    """The side encircled where an encirclement is said of it: "forces remain trapped", "troops
    were surrounded" (no agent), "forces were in a fire bag"."""
    if any(c.dep_ == "agent" for c in trigger.children):
        return None
    subject = next((c for c in trigger.children if c.dep_ == "nsubjpass"), None)
    if subject is None and (trigger.dep_ in ("acomp", "pobj", "attr") or (
            trigger.dep_ == "compound" and trigger.head.dep_ in ("pobj", "attr"))):  # "were in a fire bag"
        head = trigger.head
        while head.dep_ in ("prep", "pobj", "compound") and head.head.i != head.i:
            head = head.head
        subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN") or not _armed(_phrase(subject)):
        return None
    return _phrase(subject)


def _troop_support(verb: Token) -> Span | None:
    """Whose troops a support verb's help is, when troops do it or are there for it.

    "Dutch jets helped shoot down the drones" (the troops are the subject); "Chad, which keeps
    2,000 soldiers in Niger to help Niamey" and "troops began to arrive to support the army" (the
    help is the purpose of troops being there); "500 troops in the north, where they train the
    army" ("they" in a clause on the troops' place). The owner named in the troops' phrase
    ("Kenyan troops"), else the subject that has or sends them ("Chad"); None when no troops.
    """
    lex = _lex()
    troops = set(lex["troop_nouns"])
    if verb.pos_ not in ("VERB", "AUX") or _has_neg(verb):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ in troops:
        return _troop_owner(subject)
    if subject is not None and subject.lower_ == "they" and verb.dep_ == "relcl":
        t = verb.head
        for _ in range(3):  # "troops in eastern Syria, where they support": up from the place to the troops
            if t.lower_ in troops:
                return _troop_owner(t)
            held = next((c for c in t.children if c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.lower_ in troops), None)
            if held is not None:
                return _troop_owner(held)  # "has 600 troops in Mali, where they train": "in Mali" hangs on "has"
            if t.head.i == t.i:
                break
            t = t.head
        return None
    if subject is None and verb.dep_ in ("xcomp", "advcl", "acl", "relcl"):
        head = verb.head
        if head.lower_ in troops:
            return _troop_owner(head)  # "2,000 soldiers ... to help Niamey"
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.lower_ in troops:
                return _troop_owner(child)  # "troops began to arrive to support", "keeps soldiers ... to help"
        if head.dep_ == "xcomp":  # "have started to arrive to help": the subject of the verb above
            above = head.head
            for child in above.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in troops:
                    return _troop_owner(child)
    return None


def _troop_owner(troops: Token) -> Span:
    """The troops' phrase when it names their side ("Kenyan troops", "troops from the SADC"), else
    the subject of the clause that has or sends them ("Chad, which keeps 2,000 soldiers")."""
    phrase = _phrase(troops)
    own = troops.doc[phrase.start:troops.i + 1].text  # "Kenyan troops", not "troops in eastern Syria"
    if troops.dep_ in ("nsubj", "nsubjpass") or lexicon.side_of_text(own) or any(
            lexicon.side_of_text(_phrase(p).text) for p in _pobj_of(troops, {"from"})):  # "troops from the SADC"
        return phrase
    clause = troops.head
    subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return phrase
    if subject.lower_ in ("which", "who", "that") and clause.dep_ == "relcl":
        return _phrase(_relative_antecedent(subject))  # "Chad, which keeps ...": Chad
    return _phrase(subject)


def _deployed_in_support(verb: Token) -> bool:
    """A deployment that helps another party: "deployed alongside Malian troops", "deployed to
    defend the city", "at the request of Mozambique's president"."""
    support = _lex()["support_verbs"]
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("alongside", "with"):
            return True
        if child.dep_ == "prep" and child.lower_ == "at" and any(g.lemma_.lower() in ("request", "invitation")
                                                                 for g in child.children):
            return True
        if child.dep_ in ("xcomp", "advcl") and child.lemma_.lower() in support:
            return True
    return False


def _passive_sent(verb: Token) -> Token | None:
    """The passive subject of an agentless "were deployed"/"were sent": what was sent."""
    if any(c.dep_ == "agent" for c in verb.children):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subject is not None and subject.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
        return verb.head  # "Burundian troops who had been deployed to defend the city"
    return subject


def _fallen_to(verb: Token) -> Span | None:
    """ "fell to the rebels": who took it."""
    pobj = next(iter(_pobj_of(verb, {"to"})), None)
    return _phrase(pobj) if pobj is not None and pobj.pos_ in ("NOUN", "PROPN") else None


def _accused(trigger: Token) -> Span | None:
    """ "accused the army of killing civilians", "blamed Kyiv for shelling": the object of the
    accusation did it, not the accuser."""
    if trigger.dep_ == "compound" and _nominal(trigger) and trigger.head.dep_ == "pobj":
        trigger = trigger.head  # "accused the army of bombing markets": the parser made "bombing" a modifier
    prep = trigger.head
    if trigger.dep_ not in ("pcomp", "pobj") or prep.dep_ != "prep" or prep.lower_ not in ("of", "for"):
        return None
    verb = prep.head
    if verb.dep_ == "dobj" and verb.head.lemma_.lower() in _lex()["accusation_verbs"]:
        return verb.doc[verb.left_edge.i: verb.i + 1]  # "accused [the army of bombing markets]": the
        # parser hung "of" on the object
    if verb.lemma_.lower() not in _lex()["accusation_verbs"]:
        return None
    obj = _object(verb)
    return _phrase(obj) if obj is not None else None


def _first_person_target(trigger: Token) -> bool:
    """ "shooting at us", "attacked us", "fired on our positions": the speaker's side was the target."""
    for child in trigger.children:
        if child.dep_ in ("dobj", "obj") and child.lower_ in ("us", "me"):
            return True
        if child.dep_ == "prep" and child.lower_ in ("at", "on"):
            if any(g.dep_ == "pobj" and (g.lower_ in ("us", "me") or any(c.lower_ == "our" for c in g.children))
                   for g in child.children):
                return True
    return False


def _first_person(actor: Span) -> bool:
    """ "we", "our forces", "us": the speaker's own side."""
    root = actor.root
    return root.lower_ in ("we", "us") or any(t.dep_ == "poss" and t.lower_ == "our" for t in actor)


def _side_of_actor(actor: Span | None) -> str | None:
    if actor is None:
        return None
    root = actor.root
    if root.lower_ in ("that", "which", "who") and root.dep_ in SUBJECT_DEPS:
        antecedent = _relative_antecedent(root)  # "a Russian missile strike yesterday that killed two civilians"
        return _side_of_actor(_phrase(antecedent)) if antecedent is not None else None
    # the head and what precedes it first: "Sudan's paramilitary Rapid Support Forces (RSF)" -> RSF,
    # "Israeli strikes on Hamas targets" -> IL
    head_part = actor.doc[actor.start: root.i + 1].text
    after = [t for t in actor if t.i > root.i and t.dep_ in ("appos",) or (t.i > root.i and t.head.dep_ == "appos")]
    own, backers = lexicon.sides_and_backers(actor.text)
    if not own and backers and root.lemma_.lower() in _lex()["proxy_heads"]:
        # "the Iran-backed group": the group named before, not its backer
        named = lexicon.last_armed_group_before(actor)
        if named:
            return named
    located = {t.i for c in root.children if c.dep_ == "prep" and c.lower_ in ("in", "inside", "near")
               for t in c.subtree}  # "an ethnic armed group in Myanmar": where, not whose
    own_text = " ".join(t.text for t in actor if t.i not in located)
    if any(c.dep_ == "poss" and c.lower_ in PRONOUN_POSS for c in root.children) and not any(
            t.pos_ == "PROPN" for t in actor):
        owner = _antecedent_side(actor)  # "the Russian ministry said its peacekeepers": Russia's, not the UN's
        if owner:
            return owner
    if own and backers and root.lemma_.lower() in _lex()["proxy_heads"] and not _state_institution(actor) \
            and not any(s in lexicon.non_state_codes() for s in own):
        # "U.S.-backed Syrian fighters": a proxy force, not the Syrian state: the group the text names
        sent = actor.sent
        named = lexicon.last_armed_group_before(actor) or lexicon.first_armed_group_after(
            actor.doc[sent.end - 1: sent.end], sentences=2)  # (not the enemy its own sentence names)
        if named:
            return named
    side = lexicon.preferred_side(head_part + " " + " ".join(t.text for t in after)) or lexicon.side_of_text(own_text)
    if not side and root.pos_ == "PROPN":
        # a name the parser cut short: "The Group to Support Islam and Muslims (JNIM), ...": the whole
        # name up to the first comma
        end = next((t.i for t in root.subtree if t.i > root.i and t.text in (",", ";")), root.right_edge.i + 1)
        if end > actor.end:
            side = lexicon.preferred_side(actor.doc[actor.start: end].text)
    if side:
        return side
    if any(c.dep_ == "conj" and c.i < actor.end for c in root.children) and root.head.lower_ == "between":
        for party in (root, *root.conjuncts):  # "between rebels and government forces": a party with a side
            side = _side_of_actor(_phrase(party))
            if side:
                return side
    person = next((t for t in actor if t.ent_type_ == "PERSON" and (t.dep_ == "poss" or t.i == root.i)), None)
    if person is not None:
        side = _person_sides(actor.doc).get(person.lower_)
        if side:
            return side  # "Colonel Qaddafi's forces" after "Libyan leader Col. Muammar el-Qaddafi"
    if root.lower_ in PRONOUN_POSS or any(t.dep_ == "poss" and t.lower_ in PRONOUN_POSS for t in actor):
        side = _antecedent_side(actor)
        if side is None and root.lower_ in ("they", "them") and len(actor) == 1:
            antecedent = _armed_antecedent(actor)  # "the assault by Kenyan forces since they crossed"
            side = lexicon.side_of_text(antecedent.text) if antecedent is not None else None
        return side
    if root.lemma_.lower() in _lex()["anaphoric_actor_heads"] or root.lower_ in _lex()["anaphoric_actor_heads"]:
        side = _definite_side(actor)  # "the army" after "the Sudanese army"
        if side:
            return side
    if root.lemma_.lower() in ("soldier", "troop") and any(c.lower_ in ("the", "these", "those") for c in root.children) \
            and not _home_troops_before(actor):
        side = _definite_side(actor)  # "the soldiers" after "Israeli troops" (where the text has named no
        if side:  # "government troops", whose soldiers "the soldiers" would more likely be)
            return side
    if root.lemma_.lower() == "coalition" or any(t.lower_ == "coalition" and t.i < root.i for t in actor):
        side = lexicon.led_coalition_before(actor)  # "the coalition", "coalition aircraft" after "the Saudi-led coalition"
        if side:
            return side
    if _rebel_like(root) and not lexicon.sides_in_text(own_text):
        # "a rebel ambush", "rebels attacked", "rebel forces in South Sudan": the group named before,
        # else the one named next ("Jihadists attacked X ... JNIM said"), else the one the text is about
        named = lexicon.last_armed_group_before(actor) or lexicon.first_armed_group_after(actor, sentences=1) \
            or lexicon.armed_group_of_document(actor)
        if named:
            return named
    if root.lemma_.lower() in _lex()["weapon_heads"] and not lexicon.sides_in_text(actor.text):
        # "Around 2,900 French troops are now in Mali, and Rafale and Mirage jets have struck ...":
        # unmarked aircraft are those of the armed side named before them in the sentence
        for t in reversed(list(actor.doc[actor.sent.start: actor.start])):
            if t.pos_ in ("NOUN", "PROPN") and (t.lemma_.lower() in _lex()["armed_actor_heads"]) and t.dep_ in SUBJECT_DEPS:
                side = lexicon.side_of_text(_phrase(t).text)
                if side:
                    return side
    if _definite_group(actor):
        # "the group's fighters", "the alliance", "the militants": the group the text is about (the
        # subject of an earlier sentence), else the one named last
        return _topic_group_before(actor) or lexicon.last_armed_group_before(actor) \
            or lexicon.armed_group_of_document(actor)
    if root.dep_ == "dobj" and root.head.pos_ == "VERB" and root.head.lemma_.lower() not in _lex()["accusation_verbs"] \
            and root.head.lemma_.lower() not in _lex()["compulsion_verbs"]:
        # "he had ordered troops to withdraw": unmarked troops are the orderer's own (not those he
        # accused of shelling or forced to retreat)
        subj = next((c for c in root.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.i != root.i:
            return _side_of_actor(_phrase(subj))
    return None


def _home_troops_before(actor: Span) -> bool:
    """Whether the text names the home state's troops ("government troops", "federal troops") before."""
    same = next((set(group) for group in _lex()["actor_synonyms"] if actor.root.lemma_.lower() in group), set())
    return any(t.lemma_.lower() in same and t.pos_ == "NOUN" and _state_institution(_phrase(t))
               for t in actor.doc[: actor.start])


def _person_sides(doc: Doc) -> dict[str, str]:
    """Surnames of people the text introduces as a state's or group's leader ("Libyan leader Col.
    Muammar el-Qaddafi", "Ali Abdullah Saleh, Yemen's president") -> that side, once per document."""
    cached = doc.user_data.get("fogofwar_person_sides")
    if cached is not None:
        return cached
    titles = set(_lex()["leader_titles"])
    found: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        sent = ent.sent
        before = doc[max(sent.start, ent.start - 5): ent.start]
        after = doc[ent.end: min(sent.end, ent.end + 7)]
        if after and after[0].text == ",":
            after = doc[after.start + 1: min(sent.end, after.start + 1 + next(
                (k for k, t in enumerate(after[1:]) if t.text in (",", ";", ".")), len(after) - 1))]
        else:
            after = doc[ent.end: ent.end]
        for window in (before, after):
            if any(t.lower_.rstrip(".") in titles for t in window):
                side = lexicon.preferred_side(window.text)
                if side:
                    found.setdefault(ent[-1].lower_, side)
                    break
    doc.user_data["fogofwar_person_sides"] = found
    return found


def _rebel_like(root: Token) -> bool:
    """ "rebels", "militants", "rebel fighters", "a rebel commander": a non-state armed party."""
    lex = _lex()
    lemma = root.lemma_.lower()
    return lemma in lex["armed_modifiers"] or root.lower_ in lex["armed_modifiers"] or (
        root.pos_ in ("NOUN", "PROPN") and any(
            c.dep_ in ("amod", "compound") and c.lower_ in lex["armed_modifiers"] for c in root.children))


def _definite_group(actor: Span) -> bool:
    """ "the group", "the group's fighters", "the alliance": a definite generic name for an armed group."""
    heads = set(_lex()["group_anaphora_heads"])
    for t in actor:
        if (t.lemma_.lower() in heads or t.lower_ in heads) and any(c.lower_ in ("the", "this") for c in t.children):
            return True
    return False


def _topic_group_before(actor: Span) -> str | None:
    """The armed group that is the subject of the nearest of the three sentences before ("The ELN
    said ... which it accused of ..." / "The group denied killing ...": the ELN, not the group it
    accused), unless the actor's own sentence names a group before it."""
    doc = actor.doc
    sent = actor.sent
    groups = lexicon.non_state_codes()
    if any(s in groups for s in lexicon.sides_in_text(doc[sent.start: actor.start].text)):
        return None  # a group named just before in the same sentence: the last-named rule decides
    start = sent.start
    for _ in range(3):
        if start == 0:
            break
        previous = doc[start - 1].sent
        for token in previous:
            if token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ROOT" and token.pos_ in ("NOUN", "PROPN"):
                named = [s for s in lexicon.sides_in_text(_phrase(token).text) if s in groups]
                if named:
                    return named[0]
        start = previous.start
    return None


def _relative_antecedent(pronoun: Token) -> Token | None:
    """The noun a relative "that"/"which"/"who" stands for: the nearest noun before it (dates skipped)."""
    if pronoun.head.dep_ == "relcl":
        return pronoun.head.head
    for t in reversed(list(pronoun.doc[pronoun.sent.start: pronoun.i])):
        if t.pos_ in ("NOUN", "PROPN") and t.ent_type_ not in ("DATE", "TIME"):
            return t
    return None


def _definite_side(actor: Span) -> str | None:
    """Side of "the army" / "the rebels": the last earlier phrase with the same head that names a side."""
    root = actor.root
    lemma = root.lemma_.lower()
    same = {lemma}
    for group in _lex()["actor_synonyms"]:
        if lemma in group:
            same = set(group)  # "the soldiers" after "Israeli troops"
    state = lemma in _lex()["state_institution_heads"]
    for t in reversed(list(actor.doc[: root.i])):
        if t.lemma_.lower() in same and t.pos_ in ("NOUN", "PROPN", "ADJ"):
            span = actor.doc[min(c.i for c in t.subtree if c.i <= t.i): t.i + 1]
            side = lexicon.preferred_side(span.text)
            if not side and t.pos_ == "ADJ":
                # "the paramilitary Rapid Support Forces": the adjective's noun names the side
                end = t.i + 1
                while end < len(actor.doc) and end < root.i and actor.doc[end].pos_ == "PROPN":
                    end += 1
                side = lexicon.preferred_side(actor.doc[t.i: end].text) if end > t.i + 1 else None
            if side and state and side in lexicon.non_state_codes() and side not in _state_forces():
                continue  # "the military" is the state's army, not the "Arakan Army" named before
                # (but it is "the Sudanese Armed Forces", a state's army with a code of its own)
            if side:
                return side
    return None


def _state_antecedent(actor: Span) -> bool:
    """ "the troops" after "government troops": a definite noun whose last earlier mention with the
    same head is a state institution (and named no side)."""
    root = actor.root
    if not any(c.lower_ in ("the", "these", "those") for c in root.children):
        return False
    lemma = root.lemma_.lower()
    same = next((set(group) for group in _lex()["actor_synonyms"] if lemma in group), {lemma})
    for t in reversed(list(actor.doc[: actor.start])):
        if t.lemma_.lower() in same and t.pos_ == "NOUN":
            earlier = actor.doc[min(c.i for c in t.subtree if c.i <= t.i): t.i + 1]
            return not lexicon.sides_in_text(earlier.text) and _state_institution(earlier)
    return False


@functools.lru_cache(maxsize=1)
def _state_forces() -> frozenset[str]:
    """Codes of actors.json that are a state's own armed forces ("state_force": the Sudanese army)."""
    return frozenset(a["code"] for a in lexicon.load("actors.json")["actors"] if a.get("state_force"))


def _antecedent_side(actor: Span) -> str | None:
    """Side of a pronoun ("his forces", "it"): the nearest earlier subject in the sentence that names one.

    In a clause a verb controls by its object ("called on the Houthis to halt their advance",
    "urged the rebels to end their offensive"), the object is the antecedent."""
    controller = _controlling_object(actor)
    if controller is not None:
        side = lexicon.side_of_text(_phrase(controller).text)
        if side:
            return side
    sent = actor.sent
    singular = actor.root.lower_ in ("it", "its") or any(t.dep_ == "poss" and t.lower_ == "its" for t in actor)
    for token in reversed(list(sent.doc[sent.start: actor.start])):
        if token.dep_ in SUBJECT_DEPS or token.dep_ == "poss" or (token.dep_ == "ROOT" and token.pos_ in ("NOUN", "PROPN")):
            # (a noun the parser made the root: "A PKK commander who gave his name as X told VOA that his fighters")
            if singular and token.tag_ == "NNS":
                continue  # "its forces" is not the rebels' ("the army denied that the rebels had entered ...")
            phrase = _phrase(token)
            side = lexicon.side_of_text(phrase.text)
            if not side and _rebel_like(phrase.root):
                side = _side_of_actor(phrase)  # "a local rebel commander said his men ...": the rebels'
            if not side and token.dep_ in SUBJECT_DEPS and phrase.root.lemma_.lower() in _lex()["anaphoric_actor_heads"]:
                side = _definite_side(phrase)  # "the army launched its offensive": the army's, not an earlier subject's
                if not side:
                    return None
            if not side and token.dep_ in SUBJECT_DEPS and _definite_group(phrase):
                side = _topic_group_before(phrase) or lexicon.last_armed_group_before(phrase)
                # ("the group said it had taken prisoner ...")
            if side and not lexicon.sides_and_backers(phrase.text)[0]:
                side = _side_of_actor(phrase) or side  # "The Iran-backed group said its fighters ..."
            if side:
                return side
    if singular and actor.root.dep_ in SUBJECT_DEPS:
        # "fighting the TPLF since it pushed into Amhara": no singular subject before; the nearest
        # singular name of a side
        for token in reversed(list(sent.doc[sent.start: actor.start])):
            if token.pos_ == "PROPN" and token.tag_ == "NNP" and token.dep_ in ("dobj", "pobj"):
                side = lexicon.side_of_text(_phrase(token).text)
                if side:
                    return side
    return None


def _controlling_object(actor: Span) -> Token | None:
    """The object of the verb that controls the infinitive clause the actor stands in, if it comes
    before the actor ("called on X to halt their advance": X; "urged X to withdraw its troops": X)."""
    token = actor.root
    while token.dep_ not in ("xcomp", "ROOT") and token.head.i != token.i:
        token = token.head
    if token.dep_ != "xcomp" or not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return None
    matrix = token.head
    for child in matrix.children:
        if child.i >= actor.start:
            continue
        if child.dep_ == "dobj":
            return child
        if child.dep_ == "prep" and child.lower_ in ("on", "upon"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    return None


def _quantities(trigger: Token) -> list[Quantity]:
    from fogofwar.quantities import quantities_in

    sent = trigger.sent
    cache = sent.doc.user_data.setdefault("fogofwar_quantities", {})  # one pass per sentence, not per trigger
    if sent.start not in cache:
        cache[sent.start] = quantities_in(text_of(sent.doc)[sent.start_char: sent.end_char], offset=sent.start_char)
    return [dataclasses.replace(q) for q in cache[sent.start]]


def _places_near(trigger: Token, place_at: dict[int, Place]) -> list[Place]:
    """Places among the trigger's arguments: objects, prepositional objects, a noun's modifiers."""
    args: list[Token] = []
    for child in trigger.children:
        if child.dep_ in ("dobj", "obj", "attr", "oprd", "npadvmod", "pobj") or (
            child.dep_ == "nsubjpass" and trigger.pos_ in ("VERB", "AUX")) or (  # "X has been liberated"
            child.dep_ in ("prep", "agent", "dative") and child.lower_ in ARG_PREPS
        ):
            args.append(child)
        if child.dep_ in ("compound",) and child.i in place_at:
            args.append(child)
    found: list[Place] = []
    for arg in args:
        if arg.dep_ == "prep" and arg.lower_ == "by":
            continue
        for t in arg.subtree:
            p = place_at.get(t.i)
            if p is not None and p not in found and not _describes_other(t, place_at, trigger):
                found.append(p)
    return found


def _origin(place: Place, trigger: Token, place_at: dict[int, Place]) -> bool:
    """A place given as the starting point ("from Lebanon") of the trigger."""
    return any(place_at.get(t.i) is place and t.head.dep_ == "prep" and t.head.lower_ == "from"
               and t.head.head.i in (trigger.i, *(c.i for c in trigger.children if c.dep_ == "dobj"))
               for t in trigger.subtree)  # ("sent fighters from Lebanon")


def _pronoun_place(trigger: Token, place_at: dict[int, Place]) -> list[Place]:
    """A trigger whose prepositional object is "it": the last place named before it in the sentence."""
    pronoun = next((t for c in trigger.children if c.dep_ == "prep" for t in c.children
                    if t.dep_ == "pobj" and t.lower_ == "it"), None)
    if pronoun is None:
        return []
    before = [place_at[i] for i in range(trigger.sent.start, trigger.i) if i in place_at]
    return before[-1:]


def _describes_other(token: Token, place_at: dict[int, Place], stop: Token | None = None) -> bool:
    """A place inside a phrase about another place: "Goma, the largest city in eastern Congo",
    "near Sake, west of Goma", "Omdurman, the twin city of the capital Khartoum" (not "A and B")."""
    own = place_at.get(token.i)
    if any(c.dep_ == "conj" and place_at.get(c.i) not in (None, own) for c in token.children):
        return False  # "Hama and Homs provinces": two places sharing one unit word
    t = token
    while t.head.i != t.i and (stop is None or t.head.i != stop.i):  # (not above the trigger: "X, where ... captured Y")
        if t.dep_ == "conj":
            return False
        t = t.head
        other = place_at.get(t.i)
        if other is not None and other is not own:
            return True
    return False


SPECIFICITY = {"feature": 0, "village": 0, "city": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4}


def _branch(token: Token, trigger: Token) -> int:
    """The conjunct a place sits in below a trigger ("the cities of A and B": two branches)."""
    t = token
    while t.i != trigger.i and t.head.i != t.i:
        if t.dep_ == "conj":
            return t.i
        t = t.head
    return -1


def _targets(trigger: Token, near: list[Place], place_at: dict[int, Place]) -> list[Place]:
    """One place per coordinated branch, the most specific of each ("the town of Mellit" over
    "North Darfur", "Rafah" over "Gaza" in "the Gaza city of Rafah")."""
    token_of = {}
    for i, p in place_at.items():
        token_of.setdefault(id(p), i)
    groups: dict[int, list[Place]] = {}
    for p in near:
        i = token_of.get(id(p))
        key = _branch(trigger.doc[i], trigger) if i is not None else -1
        groups.setdefault(key, []).append(p)
    out = []
    for members in groups.values():
        out.append(min(members, key=lambda p: (SPECIFICITY.get(p.kind, 5), _container(p, token_of, place_at, trigger.doc))))
    return out


def _container(place: Place, token_of: dict[int, int], place_at: dict[int, Place], doc: Doc) -> bool:
    """ "the southern Gaza city of Rafah": Gaza only locates the city that "of Rafah" names."""
    i = token_of.get(id(place))
    return i is not None and _container_token(doc[i], place_at)


def _container_token(t: Token, place_at: dict[int, Place]) -> bool:
    place = place_at.get(t.i)
    while t.dep_ == "compound" and t.head.i != t.i and t.head.i in place_at and place_at[t.head.i] is place:
        t = t.head
    if t.dep_ != "compound":
        return False
    return any(c.dep_ == "prep" and c.lower_ == "of" and any(
        g.i in place_at and place_at[g.i] is not place for g in c.subtree) for c in t.head.children)


def _anchor(trigger: Token) -> Token:
    """A nominal trigger's light verb ("made a breakthrough", "carried out strikes")."""
    if _nominal(trigger) and trigger.dep_ in ("dobj", "nsubj", "nsubjpass") and trigger.head.pos_ in ("VERB", "AUX"):
        return trigger.head
    return trigger


def _related(a: Token, b: Token) -> bool:
    """One trigger governs the other ("made a breakthrough in X, capturing cities")."""
    a, b = _anchor(a), _anchor(b)
    return a == b or a in b.ancestors or b in a.ancestors


def _own_place_noun(trigger: Token) -> bool:
    """The trigger names its own place with a common noun ("seizing the two cities")."""
    settlement = _lex()["settlement_nouns"]
    return any(c.dep_ in ("dobj", "obj") and (c.lower_ in settlement or c.lemma_.lower() in settlement)
               for c in trigger.children)


def _nearest_place(trigger: Token, place_at: dict[int, Place], actor: Span | None,
                   owners: dict[int, list[Token]]) -> Place | None:
    """The closest place of the sentence. A trigger whose object is a common place noun does not
    take a place that is the argument of an unrelated trigger ("By seizing the two cities,
    Ukrainian forces threatened to encircle ... troops in Izyum": Izyum belongs to "encircle")."""
    sent = trigger.sent
    actor_tokens = set(range(actor.start, actor.end)) if actor is not None else set()
    restricted = _own_place_noun(trigger)
    best = None
    for t in sent:
        p = place_at.get(t.i)
        if p is None or t.i in actor_tokens or _describes_other(t, place_at) or _container_token(t, place_at):
            continue
        if restricted and any(o.i != trigger.i and not _related(o, trigger) for o in owners.get(id(p), [])):
            continue
        # a country only when the sentence names nothing smaller ("captured Adan Yabaal in central
        # Somalia after government forces withdrew": the withdrawal is from the town)
        distance = (p.kind == "country", abs(t.i - trigger.i))
        if best is None or distance < best[0]:
            best = (distance, p)
    return best[1] if best else None


def _names_unknown_place(trigger: Token, place_at: dict[int, Place]) -> bool:
    """The trigger's own argument names a place the gazetteer does not know ("attacked army
    positions in the town of Nawnghkio"): better no place than a neighbour's."""
    settlement = _lex()["settlement_nouns"]
    for t in trigger.subtree:
        if t.lower_ in settlement and any(c.dep_ == "det" for c in t.children):
            for prep in t.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    names = [x for x in prep.subtree if x.pos_ == "PROPN"]
                    if names and not any(x.i in place_at for x in names):
                        return True
    return False


def _anaphoric_place(trigger: Token, places: list[Place], sentence: int) -> Place | None:
    """ "in the area", "there", "the city": the last place named before it."""
    for t in trigger.subtree:
        kind = ANAPHORA.get(t.lower_, "none")
        if kind == "none":
            continue
        if not any(c.lower_ in ("the", "this", "that") for c in t.children):
            continue
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in t.children):
            return None  # "the town of Nawnghkio": named, not a reference back
        for p in reversed(places):
            earlier = p.sentence < sentence or (p.sentence == sentence and p.end <= t.idx)
            if earlier and (kind is None or p.kind in ("city", "village")) and p.kind != "country":
                return p
    return None


def detect_events(doc: Doc, places: list[Place], sentence_of: list[int],
                  voices: list[tuple[int, int, str | None]] | None = None) -> list[Detected]:
    """Events stated in the document, one per trigger and place.

    ``voices`` are the (start, end) character spans of what sources say, with each source's
    side: "the enemy" in a source's words is the side that source fights."""
    place_at: dict[int, Place] = {}
    for p in places:
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                place_at[t.i] = p
    detected: list[Detected] = []
    lex = _lex()
    triggers = find_triggers(doc, set(place_at))
    owners: dict[int, list[Token]] = {}  # place -> the triggers that take it as an argument
    for _, trigger, _ in triggers:
        for p in _places_near(trigger, place_at):
            owners.setdefault(id(p), []).append(trigger)
    speech_nouns = set(_cues()["speech_nouns_in_statement"]) | set(_cues()["evidence_nouns"])
    for etype, trigger, tokens in triggers:
        actor = _actor(trigger)
        if etype == "capture" and trigger.pos_ in ("VERB", "AUX") and _is_expulsion(trigger):
            subject = next((c for c in trigger.children if c.dep_ == "nsubj"), None)
            actor = _phrase(subject) if subject is not None else None  # the expeller took the place
        if actor is not None and actor.root.lemma_.lower() in speech_nouns:
            actor = None  # "said in a statement that ... killed": a statement kills no one
        sentence = sentence_of[trigger.i]
        armed_verb = trigger.lemma_.lower() in lex["armed_actor_verbs"] or trigger.lower_ in lex["armed_actor_verbs"]
        if armed_verb and actor is not None and actor.root.lower_ in ("they", "them") and len(actor) == 1:
            actor = _armed_antecedent(actor) or actor  # "neutralised dozens of the assailants as they fled"
        if armed_verb and not _armed(actor):
            continue  # "300,000 people have fled Rafah": civilians fleeing is no withdrawal
        if trigger.lemma_.lower() in lex["civilian_motion_verbs"] and actor is not None \
                and actor.root.pos_ in ("NOUN", "PROPN") and not _armed(actor) and not lexicon.side_of_text(actor.text):
            continue  # "residents of Kurakhove who reached Dnipro": people moving, no advance
        speaker = _speaker_side(trigger, voices)  # the side of the source in whose words it stands
        modality = _modality(trigger)
        if etype == "aid" and modality in ("hypothetical", "planned") and _promised(trigger):
            modality = "asserted"  # "would continue to provide", "pledged to send": aid promised
        elif etype == "aid" and modality == "planned" and trigger.lemma_.lower() in lex["troop_support_verbs"]:
            modality = "asserted"  # "soldiers in Niger to help Niamey": they are there, helping
        elif etype == "encirclement" and modality == "attempted":
            modality = "threatened"  # "trying to encircle": CONTRACT.md counts a threatened encirclement
        elif etype != "aid" and modality == "requested":
            modality = "hypothetical"  # "called for Rwanda to withdraw": asked for, not done
        under = _nominal(trigger) and trigger.lower_ != "control" and trigger.dep_ == "pobj" and trigger.head.lower_ == "under" \
            and trigger.head.head.lemma_.lower() in ("come", "be", "remain", "fall")
        idiom_under = trigger.lemma_.lower() == "come" and any(t.lower_ == "under" for t in tokens)
        sufferer = None  # the side hit, where the text names only it
        hit_side = None  # the side of a place hit, in its own side's words
        if under or idiom_under:
            actor = None  # "Hama came under heavy shelling": Hama is the target, not the shooter
            host = trigger if idiom_under else trigger.head.head  # ("came under fire" is one trigger)
            subject = next((c for c in host.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            sufferer = _phrase(subject) if subject is not None and _armed(_phrase(subject)) or (
                subject is not None and subject.lower_ in ("they", "we")) else None
            # "they had come under constant fire" (the soldiers): the other side fired
            if sufferer is None and subject is not None and subject.i in place_at:
                hit_side = speaker  # "the authorities in Nagorno-Karabakh said
                # Stepanakert had come under heavy shelling": the speaker's town was hit
        town_subject = None
        if actor is not None and etype in ("attack", "casualties") and actor.root.i in place_at \
                and place_at[actor.root.i].kind != "country" and len(actor) == 1:
            # "In the Tigrayan capital, Mekelle, a federal air strike ... killed three people": the parser
            # made the town the subject; a town kills no one, it is where
            town_subject, actor = place_at[actor.root.i], None
        if etype == "casualties" and actor is None:
            sufferer = _passive_sufferer(trigger) or sufferer  # "3,000 Ukrainian troops had been killed"
        side = _side_of_actor(actor)
        if (actor is not None and _first_person(actor)) or (
                not side and trigger.lemma_.lower() in lex["own_side_triggers"] and not _names_someone(actor)):
            # "Our units continue to advance", "We intercepted", "Robotyne is liberated", in a source's
            # words: the source's own side
            side = speaker or side
        if not side and actor is not None and actor.root.lemma_.lower() in ("fighter", "combatant") \
                and not _names_someone(actor) and actor.root.dep_ in SUBJECT_DEPS:
            if speaker in lexicon.non_state_codes():
                side = speaker  # "the fighters had also taken the airport", in the words of the group's spokesman
        victim = _victim(trigger)
        if not victim and etype == "attack" and _ran_into_explosive(trigger):
            victim = True  # "its convoy struck two roadside bombs": the convoy was hit
        if etype == "encirclement":
            encircled = _encircled(trigger)
            if encircled is not None:  # "Ukrainian forces remain trapped": the encircled, not the encircler
                actor, victim = encircled, True
        if etype == "casualties" and trigger.pos_ == "VERB" and _unnamed_striker(actor) and sufferer is None:
            hit = _object(trigger)
            if hit is not None and _armed(_phrase(hit)):
                sufferer = _phrase(hit)  # "air strikes had killed 43 Taliban fighters": the Taliban were hit
        sufferer_side = _side_of_actor(sufferer) if sufferer is not None else None
        home_victim = False
        if sufferer is not None and not sufferer_side and _bare_troops(sufferer):
            sufferer_side = speaker  # "the military confirmed that eight soldiers
            # had been killed": a side that reports soldiers killed reports its own
        if sufferer is not None and not sufferer_side and etype == "casualties" and (
                _bare_troops(sufferer) or _state_institution(sufferer) or sufferer.root.lemma_.lower() in ("officer", "policeman")):
            home_victim = True  # "at least four officers had been killed": the home state's police, once the
            # article's country is known (_fill_sides)
        if not victim and sufferer_side:
            victim = True
        if not victim and hit_side:
            victim, sufferer_side = True, hit_side
        if home_victim and not victim:
            victim = True
        if victim:
            side = None  # "Russian forces suffered heavy losses": the actor is the other side
            if trigger.lemma_.lower() in lex["own_side_triggers"] and actor is None:
                side = speaker  # "the army said the attackers had been
                # "neutralised"": the speaker's side neutralised them
        near = _places_near(trigger, place_at)
        if etype != "withdrawal" and len(near) > 1:
            destination = [p for p in near if not _origin(p, trigger, place_at)]
            near = destination or near  # "sent fighters from Lebanon to Qusayr": where they went
        if not near and under:
            subject = next((c for c in trigger.head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            near = [place_at[t.i] for t in ([subject] if subject is not None else []) if t.i in place_at]
        if trigger.lemma_.lower() == "receive" and trigger.pos_ == "VERB" and actor is not None:
            # "X received support from Egypt and the UAE": the aid went to where X is, not to the givers
            givers = {t.i for c in [actor.root, *actor.root.conjuncts] for t in c.subtree}
            sent = trigger.sent
            near = [place_at[t.i] for t in sent if t.i in place_at and t.i not in givers][:1]
        if not near and trigger.lower_ == "control":
            subject = _under_control(trigger)
            near = [place_at[t.i] for t in (subject.subtree if subject is not None else []) if t.i in place_at][:1]
        if not near:
            near = _pronoun_place(trigger, place_at)  # "the fighters pushed toward it": the place named before
        if not near and trigger.dep_ in ("nsubj", "nsubjpass", "dobj") and trigger.head.pos_ in ("VERB", "AUX") \
                and _nominal(trigger):
            # "airstrikes killed 19 people in Rafah", "carried out airstrikes on Aleppo": the verb's place
            near = _places_near(trigger.head, place_at)
        if not near and trigger.dep_ == "compound" and _nominal(trigger) and trigger.head.pos_ == "NOUN":
            near = _places_near(trigger.head, place_at)  # "bombing markets in North Darfur" (a modifier to the parser)
        if not near and town_subject is not None:
            near = [town_subject]
        guessed = not near  # no place among its own arguments: the nearest one, a weaker guess
        if not near:
            anaphoric = _anaphoric_place(trigger, places, sentence)
            nearest = anaphoric or (None if _names_unknown_place(trigger, place_at)
                                    else _nearest_place(trigger, place_at, actor, owners))
            near = [nearest] if nearest else [None]  # type: ignore[list-item]
            guessed = anaphoric is None
        # one event per settlement when several are named ("the cities of Balakliya and Kupiansk")
        targets = _targets(trigger, near, place_at) if near and near[0] is not None else near[:1]
        enemy_of = speaker if actor is not None and not side and \
            actor.root.lemma_.lower() in lex["enemy_heads"] else None
        if actor is not None and actor.root.lower_ in ("they", "them") and _first_person_target(trigger):
            enemy_of, side = speaker, None  # "They were shooting at us": the
            # speaker's enemy (the pronoun's antecedent, if any, is not who shot)
        retreated = _retreated_before(trigger) if etype == "attack" and actor is None else None
        if retreated is not None:
            enemy_of = _side_of_actor(retreated) or enemy_of  # the side that fled was hit
        if etype == "capture" and trigger.pos_ in ("VERB", "AUX") and (
                (trigger.lemma_.lower() in lex["fall_verbs"] and _fallen_to(trigger) is None)
                or (trigger.lemma_.lower() == "lose" and actor is None)) and not side:
            enemy_of = speaker or enemy_of  # "the junta denied that the town had fallen",
            # "denied that the city had been lost": taken by the speaker's enemy
        if _nominal(trigger) and trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in lex["repel_verbs"] \
                and (actor is None or (actor.root.head.i == trigger.head.i and actor.root.dep_ == "nsubj")):
            enemy_of = side  # "Ukrainian troops repelled the assault": the assault was the other side's
            actor, side = None, None
        victim_side = None
        if victim:  # "Ukrainian losses" names the side hit; else the sufferer, else the actor phrase
            modifier = _victim_modifier(trigger)
            victim_side = _side_of_actor(modifier) if modifier is not None else (
                sufferer_side if sufferer is not None or hit_side else _side_of_actor(actor))
        for place in targets:
            detected.append(Detected(
                enemy_of=enemy_of,
                type=etype, trigger=trigger, trigger_tokens=tokens, actor=actor,
                actor_side=side, place=place, modality=modality,
                quantities=_quantities(trigger), sentence=sentence,
                victim_side=victim_side,
                victim=victim,
                guessed_place=guessed,
                speaker_side=speaker,
                home_victim=home_victim,
            ))
    _casualties_where_attacked(detected)
    _fill_sides(detected, theatre_of(places))
    return detected


def _casualties_where_attacked(detected: list[Detected]) -> None:
    """Casualties with no place of their own are where the attack of their sentence was ("an
    Israeli strike on tents in Deir al-Balah ... killed at least four people", not "central Gaza")."""
    attacks: dict[int, Place] = {}
    own: dict[int, Place] = {}  # a casualties place of the sentence that is a trigger's argument
    for d in detected:
        if d.place is not None and not d.guessed_place:
            if d.type == "attack":
                attacks.setdefault(d.sentence, d.place)
            elif d.type == "casualties":
                own.setdefault(d.sentence, d.place)
    for d in detected:
        if d.type == "casualties" and d.guessed_place and (d.sentence in own or d.sentence in attacks):
            d.place = own.get(d.sentence) or attacks[d.sentence]  # ("killed 4 and wounded 60": one place)


def _speaker_side(trigger: Token, voices: list[tuple[int, int, str | None]] | None) -> str | None:
    """The side of the source in whose words the trigger stands (the innermost such claim)."""
    inside = [v for v in voices or () if v[0] <= trigger.idx < v[1] and v[2]]
    return min(inside, key=lambda v: v[1] - v[0])[2] if inside else None


def _armed(actor: Span | None) -> bool:
    """An armed party: troops, fighters, an army, or a phrase naming a side ("Russia")."""
    if actor is None:
        return False
    root = actor.root
    of = [t for t in _pobj_of(root, {"of"})] if root.pos_ in ("ADJ", "NUM", "PRON", "NOUN") else []
    if of and root.lemma_.lower() not in _lex()["armed_actor_heads"]:
        root = of[0]  # "many of the insurgents", "hundreds of fighters"
    if root.lemma_.lower() in _lex()["armed_actor_heads"] or root.lower_ in _lex()["armed_actor_heads"]:
        return True
    side = lexicon.side_of_text(actor.text) if root.pos_ == "PROPN" else None
    return side is not None and (root.ent_type_ != "PERSON" or side in lexicon.non_state_codes())
    # (a state's leader is no armed party: "President Ashraf Ghani fled the country"; "al Shabaab",
    # which the tagger may call a person, is)


def _armed_antecedent(pronoun: Span) -> Span | None:
    """The armed plural noun a "they" points back to in its sentence ("the assailants as they fled")."""
    heads = _lex()["armed_actor_heads"]
    for t in reversed(list(pronoun.doc[pronoun.sent.start: pronoun.start])):
        if t.pos_ == "NOUN" and t.tag_ == "NNS" and (t.lemma_.lower() in heads or t.lower_ in heads):
            return _phrase(t)
    return None


def _promised(trigger: Token) -> bool:
    """Aid under "would"/"will" or a verb of promising ("pledged to send", "Tehran would continue to provide")."""
    chain = [trigger]
    while len(chain) < 4 and chain[-1].dep_ in ("xcomp", "ccomp") and chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    if any(t.lemma_.lower() in ("expect", "consider", "hope", "ask", "urge", "request") for t in chain):
        return False  # "are expected to pledge", "still considering supplying": not yet promised
    return any(any(c.dep_ == "aux" and c.lower_ in ("would", "will", "'ll") for c in token.children)
               or token.lemma_.lower() in ("promise", "pledge", "vow", "commit", "agree", "plan", "intend", "continue")
               for token in chain)


EXPLOSIVE_OBJECTS = {"bomb", "mine", "landmine", "ied", "explosive", "device"}


def _ran_into_explosive(trigger: Token) -> bool:
    """ "the convoy struck a roadside bomb", "a vehicle hit a landmine": the subject is the one hit."""
    if trigger.lemma_.lower() not in ("strike", "hit") or trigger.pos_ not in ("VERB", "AUX"):
        return False
    obj = next((c for c in trigger.children if c.dep_ == "dobj"), None)
    return obj is not None and obj.lemma_.lower() in EXPLOSIVE_OBJECTS


def _victim(trigger: Token) -> bool:
    """A casualties trigger whose subject is the side that was hit ("suffered losses", "lost troops")."""
    victim_verbs = _lex()["victim_verbs"]
    if trigger.pos_ in ("VERB", "AUX"):
        return trigger.lemma_.lower() in victim_verbs and trigger.lemma_.lower() == "lose"
    if _victim_modifier(trigger) is not None:
        return True
    return trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in victim_verbs


def _passive_sufferer(trigger: Token) -> Span | None:
    """The armed subject of a passive casualties verb with no agent ("Ukrainian troops had been
    killed", "Wagner fighters ... have been killed or wounded"): the side that suffered them."""
    verb = trigger
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head  # "killed or wounded"
    if verb.pos_ not in ("VERB", "AUX") or any(c.dep_ == "agent" for c in verb.children):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subject is None:
        return None
    phrase = _phrase(subject)
    return phrase if _armed(phrase) else None


def _victim_modifier(trigger: Token) -> Span | None:
    """ "Ukrainian losses", "Russia's casualties", "Israeli deaths": a casualty noun's possessor or
    side adjective names the side that suffered them, not the side that inflicted them."""
    if trigger.pos_ not in ("NOUN", "PROPN") or _lex()["nouns"].get(trigger.lower_) != "casualties":
        return None
    for child in trigger.children:
        if child.dep_ in ("poss", "amod", "compound") and child.i < trigger.i and lexicon.side_of_text(child.text):
            return trigger.doc[child.i: child.i + 1]
    return None


def _names_someone(actor: Span | None) -> bool:
    """An actor phrase that names a party of its own ("four Royal Air Force jets", "Gang members"),
    not a bare pronoun or a generic armed noun ("the troops", "they")."""
    if actor is None:
        return False
    root = actor.root
    if root.pos_ not in ("NOUN", "PROPN"):
        return False  # "they", or a number the parser took for a subject ("46 wounded")
    lemma = root.lemma_.lower()
    generic = lemma in _lex()["armed_actor_heads"] or lemma in _lex()["anaphoric_actor_heads"]
    return not generic or any(t.pos_ == "PROPN" for t in actor)


def _fill_sides(detected: list[Detected], theatre: str | None) -> None:
    """An event whose actor names no side takes it from the attack it belongs to (casualties of
    a strike in the same sentence), a state institution ("the army", "the junta") the theatre's
    country, and otherwise a pronoun or bare armed noun the last event of its type."""
    by_sentence: dict[int, list[Detected]] = {}
    for d in detected:
        by_sentence.setdefault(d.sentence, []).append(d)
    last: dict[str, str] = {}
    by_actor: dict[int, str] = {}  # the side found for an actor phrase (by its head), for its other events
    groups = lexicon.non_state_codes()
    states = {side for d in detected for side in (d.actor_side, d.victim_side)
              if side and side != "INT" and side not in groups}
    lone_state = bool(theatre) and states <= {theatre}  # no other state's troops in the text
    home = _home_force(theatre)
    for d in detected:
        if d.enemy_of and not d.actor_side:
            continue  # the other side of enemy_of, once every side is known (to_events)
        if d.home_victim and not d.victim_side and theatre:
            d.victim_side = home  # troops or police named by no side, hit: the home state's
        if d.actor is not None and theatre and _state_institution(d.actor):
            if d.victim and not d.victim_side:
                d.victim_side = home  # "the army denied losing any soldiers"
            elif not d.victim and not d.actor_side:
                d.actor_side = home
        if not d.actor_side and d.actor is not None and theatre and (
                (_bare_troops(d.actor) and lone_state) or _state_antecedent(_of_target(d.actor))):
            if d.victim and not d.victim_side:
                d.victim_side = home
            elif not d.victim:
                d.actor_side = home  # "the soldiers have left": the army of the one state at war there
        if not d.actor_side and d.type == "casualties" and not d.victim_side:
            d.actor_side = _attack_side(by_sentence[d.sentence])
        if not d.actor_side and d.actor is not None and theatre and not d.victim:
            owner = _possessor_antecedent(d.actor)
            if owner is not None and _state_institution(owner):
                d.actor_side = home  # "The military ... said its troops withdrew"
        if d.victim and d.victim_side:
            earlier = None if _names_someone(d.actor) else (_earlier_mention_side(d, detected) or last.get(d.type))
            if earlier and earlier != d.victim_side and not d.actor_side:
                d.actor_side = earlier  # the side of the same event mentioned before
            continue  # else the side hit's other side, once every side is known (to_events)
        if not d.actor_side and not _names_someone(d.actor):
            d.actor_side = _earlier_mention_side(d, detected)
        if not d.actor_side and not last and d.actor is not None and not d.victim and _generic_armed(d.actor):
            # the lede names a generic group and the next sentences name it ("An ethnic armed group
            # has seized Lashio" ... "The MNDAA said"): only before any side is known
            d.actor_side = lexicon.first_armed_group_after(d.actor)
        if not d.actor_side and d.actor is not None and not d.victim:
            d.actor_side = by_actor.get(d.actor.root.i)  # "Jihadists killed scores in an attack on X"
        if d.actor_side:
            last[d.type] = d.actor_side
            if d.actor is not None and not d.victim:
                by_actor.setdefault(d.actor.root.i, d.actor_side)
        elif d.speaker_side and d.actor is not None and not _names_someone(d.actor) \
                and d.actor.root.lemma_.lower() in _lex()["own_troop_heads"] and d.actor.root.dep_ in SUBJECT_DEPS \
                and not any(c.dep_ == "poss" for c in d.actor.root.children):
            d.actor_side = d.speaker_side  # "special forces had reached the town", in Azerbaijani channels' words
        elif d.type in last and not _names_someone(d.actor):
            d.actor_side, d.weak_side = last[d.type], True
    for d in detected:  # "five soldiers were killed in a rebel ambush": the ambush's side, now known
        if not d.actor_side and d.type == "casualties" and not d.victim_side:
            d.actor_side = _attack_side(by_sentence[d.sentence])
        elif not d.actor_side and d.victim_side:
            attacker = _attack_side(by_sentence[d.sentence])
            d.attacker_side = attacker if attacker != d.victim_side else None  # "killed in an air strike by X"
            fallback = last.get(d.type)
            d.fallback_side = fallback if fallback != d.victim_side else None


def _placed_in_sentence(d: Detected) -> bool:
    """The event's place is named in its own sentence and lies in a country (not guessed from afar)."""
    sent = d.trigger.sent
    return d.place is not None and bool(d.place.country) and sent.start_char <= d.place.start < sent.end_char


def _unnamed_striker(actor: Span | None) -> bool:
    """No actor, or one that names no party: a weapon ("a guided aerial bomb") or a strike."""
    if actor is None:
        return True
    lex = _lex()
    root = actor.root.lemma_.lower()
    return actor.root.pos_ == "NOUN" and not lexicon.sides_in_text(actor.text) and (
        root in lex["weapon_heads"] or root in lex["projectiles"] or lex["nouns"].get(root) == "attack"
        or lex["nouns"].get(actor.root.lower_) == "attack")  # ("air strikes", "explosions")


def _state_enemy(country: str, sides: Counter[str], document: dict[str, str]) -> str | None:
    """The other state where a document is about a war between two states and ``country`` is one."""
    groups = lexicon.non_state_codes()
    main = _main_sides(sides, document)[0]
    if len(main) == 2 and country in main and not any(s in groups or s == "INT" for s in main):
        return main[1] if main[0] == country else main[0]
    return None


def _home_force(theatre: str | None) -> str | None:
    """The side of the army of the country where the war is: its own code where actors.json gives
    the state's army one ("the army" in Sudan is SAF), else the country."""
    forces = [a["code"] for a in lexicon.load("actors.json")["actors"] if a.get("state_force") and a["country"] == theatre]
    return forces[0] if forces else theatre


def _of_target(actor: Span) -> Span:
    """ "80% of the troops" -> "the troops"; any other phrase as it is."""
    of = _pobj_of(actor.root, {"of"}) if actor.root.pos_ in ("NOUN", "NUM", "ADJ", "PRON") else []
    return _phrase(of[0]) if of and actor.root.lemma_.lower() not in _lex()["armed_actor_heads"] else actor


def _bare_troops(actor: Span) -> bool:
    """ "the soldiers", "troops", "Soldiers from Light Infantry Battalion 275": troops named by no side."""
    root = actor.root
    return root.lemma_.lower() in ("soldier", "troop", "serviceman") and not lexicon.sides_in_text(actor.text) \
        and not any(t.dep_ == "poss" for t in root.children) and not _rebel_like(root)


def _attack_side(events_of_sentence: list[Detected]) -> str | None:
    """The side of the first attack of a sentence that has one: who caused its casualties."""
    return next((o.actor_side for o in events_of_sentence if o.type == "attack" and o.actor_side), None)


def _generic_armed(actor: Span) -> bool:
    """ "An ethnic armed group", "jihadists linked to al-Qaeda", "gunmen": armed, but named by no side."""
    lex = _lex()
    root = actor.root.lemma_.lower()
    return actor.root.pos_ == "NOUN" and (root in lex["armed_actor_heads"] or root in lex["group_anaphora_heads"])


def _earlier_mention_side(d: Detected, detected: list[Detected]) -> str | None:
    """The side of an earlier mention of the same event: the same type at the same place
    ("the fall of Lashio"), or a definite noun repeating an earlier trigger ("the strikes")."""
    earlier = [o for o in detected if o.trigger.i < d.trigger.i and o.actor_side and o.type == d.type]
    if d.place is not None:
        same_place = [o for o in earlier if o.place is d.place or (
            o.place is not None and o.place.geonameid is not None and o.place.geonameid == d.place.geonameid)]
        if same_place and (d.actor is None or d.actor.root.pos_ == "PRON"):
            # ("hailed the recapture of X" takes the side of "troops recaptured X"; "the insurgents
            # seized X" names its own actor, even if another side took X later)
            return same_place[-1].actor_side
    trigger = d.trigger
    if trigger.pos_ in ("NOUN", "PROPN") and any(c.lower_ in ("the", "these", "those", "this") for c in trigger.children):
        lemma = trigger.lemma_.lower()
        same_word = [o for o in earlier if o.trigger.lemma_.lower() == lemma]
        if same_word:
            return same_word[-1].actor_side
    return None


def _possessor_antecedent(actor: Span) -> Span | None:
    """The subject an "its"/"their" (or a subject "it"/"they") in the actor phrase points back to,
    in the same sentence ("The army said it had repelled the assault")."""
    if not any(t.dep_ == "poss" and t.lower_ in PRONOUN_POSS for t in actor) and not (
            actor.root.lower_ in ("it", "they") and actor.root.dep_ in SUBJECT_DEPS):
        return None
    sent = actor.sent
    singular = actor.root.lower_ == "it" or any(t.dep_ == "poss" and t.lower_ == "its" for t in actor)
    for token in reversed(list(sent.doc[sent.start: actor.start])):
        if token.dep_ in SUBJECT_DEPS and token.pos_ in ("NOUN", "PROPN"):
            if singular and token.tag_ == "NNS":
                continue  # "Federal forces ... have been fighting the TPLF since it pushed": not the forces
            return _phrase(token)
    return None


def _state_institution(actor: Span) -> bool:
    """ "the army", "government forces", "the junta", "police", "military aircraft": the state
    where the war is."""
    words = {t.lemma_.lower() for t in actor} | {t.lower_ for t in actor}
    lex = _lex()
    heads = lex["state_institution_heads"]
    of = _pobj_of(actor.root, {"of"}) if actor.root.pos_ in ("NOUN", "NUM") else []
    if of and actor.root.lemma_.lower() not in lex["armed_actor_heads"]:
        actor = _phrase(of[0])  # "a group of police officers", "dozens of soldiers"
    root = actor.root.lemma_.lower()
    return root in heads or actor.root.lower_ in heads or (
        bool(words & {"government", "federal", "national", "state", "security"}) and root in lex["armed_actor_heads"]) or (
        bool(words & {"military", "army", "government", "junta", "regime", "force"}) and root in lex["weapon_heads"])
    # ("security forces", "air force jets": the state's)


def theatre_of(places: list[Place]) -> str | None:
    """The country most of an article's places are in, if one clearly dominates.

    A country named as such counts half as much as a place inside one: "the border with
    Venezuela", named again and again, is a neighbour of the towns the article is about."""
    countries: Counter = Counter()  # weighted, to compare countries
    mentions: Counter = Counter()  # plain, for "named at least twice"
    for p in places:
        if p.country:
            countries[p.country] += 0.5 if p.kind == "country" else 1.0
            mentions[p.country] += 1
    if not countries:
        return None
    (top, n), *rest = countries.most_common()
    twice = mentions[top] >= 2
    if twice and (not rest or n >= 2 * rest[0][1]):
        return top
    first = next(p.country for p in places if p.country)
    # no clear majority: the lede decides between leaders ("in Bamako" ... Burkina Faso later)
    return top if first == top and twice and (not rest or n > rest[0][1]) else None


def document_allies(detected: list[Detected]) -> dict[str, str]:
    """Sides the text names together as one actor ("Russian and Syrian jets", "French and Malian
    forces"): each side -> the side of its group named most often, so that the other side of
    either is the side they fight together."""
    counts = Counter(d.actor_side for d in detected if d.actor_side)
    group_of: dict[str, set[str]] = {}
    for d in detected:
        if d.actor is None or d.victim or not any(t.lower_ == "and" for t in d.actor):
            continue
        own = [side for side in lexicon.sides_and_backers(d.actor.text)[0] if side != "INT"]
        if len(own) >= 2:
            group = set(own).union(*(group_of.get(side, set()) for side in own))
            for side in group:
                group_of[side] = group
    return {side: max(sorted(group), key=lambda g: counts[g]) for side, group in group_of.items()}


def _main_sides(sides: Counter[str], document: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The two sides named most often, each ally counted with the side it fights for (actors.json
    "ally" and ``document_allies``), and that allies table."""
    allies = {**lexicon.allies(), **document}
    merged: Counter[str] = Counter()
    for side, n in sides.items():
        merged[allies.get(side, side)] += n
    return [s for s, _ in merged.most_common(2)], allies


def target_side(actor_side: str | None, sides: Counter[str], document: dict[str, str] | None = None) -> str | None:
    """The other side where a document is about two sides (a group fighting for a state, as
    Wagner for Russia, counts as that state: data/actors.json "ally"; so do states the text names
    together as one actor: ``document_allies``)."""
    main, allies = _main_sides(sides, document or {})
    actor_side = allies.get(actor_side, actor_side) if actor_side else actor_side
    if actor_side in main and len(main) == 2:
        return main[1] if main[0] == actor_side else main[0]
    return None


@functools.lru_cache(maxsize=1)
def _mappings() -> dict:
    return lexicon.load("event_mappings.json")


def acled_of(etype: str, trigger_text: str, actor_side: str | None) -> dict[str, str]:
    """ACLED event type and sub-event type of an event (a fresh dict: callers may change it)."""
    return dict(_acled_of(etype, trigger_text.lower(), actor_side))


@functools.lru_cache(maxsize=20_000)
def _acled_of(etype: str, trigger_text: str, actor_side: str | None) -> dict[str, str]:
    m = _mappings()
    base = dict(m["acled"][etype])
    non_state = {a["code"] for a in lexicon.load("actors.json")["actors"]}
    if etype == "capture" and actor_side in non_state:
        base = dict(base["non_state"])
    base.pop("non_state", None)
    if etype == "attack":
        low = trigger_text.lower()
        for sub in m["attack_sub_types"].values():
            if any(re.search(r"\b" + re.escape(w), low) for w in sub["words"]):
                base = {"event_type": sub.get("event_type", base["event_type"]), "sub_event_type": sub["sub_event_type"]}
                break
    return base


def to_events(detected: list[Detected], line_of: list[int]) -> tuple[list[Event], list[int]]:
    """Event records: one per (line, type, place); a placeless repeat of a placed event in the same line merges into it."""
    sides = Counter(d.actor_side for d in detected if d.actor_side)
    sides.update(d.victim_side for d in detected if d.victim_side and d.victim_side not in sides)  # a side only hit
    together = document_allies(detected)
    for d in detected:
        if d.victim_side and not d.actor_side:
            d.actor_side = d.attacker_side or target_side(d.victim_side, sides, together) or d.fallback_side or (
                d.speaker_side if d.speaker_side != d.victim_side else None)
            # (a side that reports the other's losses inflicted them: "the ministry said air strikes had killed")
        if d.enemy_of and not d.actor_side:
            d.actor_side = target_side(d.enemy_of, sides, together)  # "The enemy managed to ...", said a Ukrainian unit
    for d in detected:
        guess = not d.actor_side or d.weak_side
        if guess and d.type == "attack" and _unnamed_striker(d.actor):
            d.actor_side = next((o.actor_side for o in detected if o.sentence == d.sentence and o.type == "casualties"
                                 and o.victim_side and o.actor_side), None) or d.actor_side
            # "air strikes had killed 43 Taliban fighters": the side that killed them
        if not d.actor_side and d.type in ("capture", "encirclement") and d.actor is None and _placed_in_sentence(d):
            # "The fall of Mariupol", "a siege of almost three months": in a war between two states, a
            # town of one taken by no one named was taken by the other (retaken, by its own)
            enemy = _state_enemy(d.place.country, sides, together)
            if enemy:
                d.actor_side = d.place.country if d.trigger.lemma_.lower() in _lex()["return_words"] else enemy
        if guess and d.type in ("attack", "casualties") and not d.victim and _placed_in_sentence(d) \
                and _unnamed_striker(d.actor):
            d.actor_side = _state_enemy(d.place.country, sides, together) or d.actor_side
            # "a guided aerial bomb struck a residential area" in Zaporizhzhia: in a war between two
            # states, a strike no one is named for inside one of them is the other's
    kept: list[Detected] = []
    owner: list[int] = []  # per detected event, the index of the kept event it became
    for d in detected:
        line = line_of[d.trigger.i]
        twin = None
        factual = set(_lex()["factual_modalities"])
        for k in kept:
            if line_of[k.trigger.i] != line or k.type != d.type or (k.modality in factual) != (d.modality in factual):
                continue  # ("did not acknowledge the strike, but ... had destroyed": one denied, one stated)
            if k.actor_side and d.actor_side and k.actor_side != d.actor_side and k.guessed_place \
                    and not d.guessed_place and k.place is d.place and k.actor is not None and d.actor is not None:
                k.place = None  # "denied that it had targeted civilians and accused the army of bombing
                continue  # markets in North Darfur": two sides' attacks, the place the second's
            if k.place is d.place or (d.place is None) or (k.place is not None and d.place is not None
                                                            and k.place.geonameid is not None
                                                            and k.place.geonameid == d.place.geonameid):
                twin = k
                break
            if k.place is None and not (k.actor_side and d.actor_side and k.actor_side != d.actor_side):
                k.place = d.place  # (not "denied that it had targeted civilians and accused the army of bombing X")
                twin = k
                break
        if twin is not None and not twin.actor_side and d.actor_side:
            twin.actor_side = d.actor_side  # "peacekeepers were trapped after the rebels cut off roads"
        elif twin is not None and d.actor_side and twin.actor_side != d.actor_side and not d.victim \
                and _side_of_actor(d.actor) == d.actor_side and not (twin.actor is not None and _side_of_actor(twin.actor)):
            twin.actor_side = d.actor_side  # "Fighting ... where Taliban fighters attacked": the named side
        if twin is None:
            kept.append(d)
            owner.append(len(kept) - 1)
        else:
            owner.append(next(i for i, k in enumerate(kept) if k is twin))
    events = []
    for i, d in enumerate(kept, start=1):
        trigger_text = " ".join(t.text for t in d.trigger_tokens)
        sent = d.trigger.sent
        events.append(Event(
            id=f"e{i}", type=d.type, sentence=d.sentence, start=sent.start_char,
            end=sent.start_char + len(text_of(sent.doc)[sent.start_char:sent.end_char].rstrip()),
            trigger=trigger_text, actor=d.actor.text if d.actor is not None else None,
            actor_side=d.actor_side, target=None, target_side=target_side(d.actor_side, sides, together) if d.type in (
                "capture", "encirclement", "attack", "advance") else None,
            place=d.place.id if d.place else None, date=None, date_precision=None,
            quantities=d.quantities, negated=d.modality == "negated", modality=d.modality,
            acled=acled_of(d.type, trigger_text, d.actor_side), plover=_mappings()["plover"][d.type],
        ))
    return events, owner
