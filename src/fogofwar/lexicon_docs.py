"""The event tables of docs/events.md, written from the data files so the documentation
cannot drift from what the pipeline does (`fogofwar lexicon-docs > docs/events.md`)."""

from __future__ import annotations

from fogofwar import lexicon

TYPES = ["capture", "withdrawal", "advance", "encirclement", "attack", "casualties", "aid"]


def _words(values) -> str:
    return ", ".join(sorted(set(values))) or "-"


def events_markdown() -> str:
    events = lexicon.load("events.json")
    mappings = lexicon.load("event_mappings.json")
    actors = lexicon.load("actors.json")["actors"]
    out = ["# Events: types, triggers, mappings and actors", "",
           "Written by `fogofwar lexicon-docs` from `src/fogofwar/data/events.json`, "
           "`event_mappings.json` and `actors.json`; edit those files, not this page.", "",
           "## Event types, their triggers and their ACLED / PLOVER mapping", "",
           "| type | verbs (lemmas) | nouns | ACLED event_type / sub_event_type | PLOVER |",
           "| --- | --- | --- | --- | --- |"]
    for etype in TYPES:
        verbs = [v for v, t in events["verbs"].items() if t == etype]
        verbs += [v for v, t in events["verb_particles"].items() if t == etype]
        verbs += [" ".join(p[0].split()) for p in events["phrases"] if p[1] == etype]
        nouns = [n for n, t in events["nouns"].items() if t == etype]
        nouns += [n for n, t in events["light_nouns"].items() if t == etype]
        acled = mappings["acled"][etype]
        cell = f"{acled['event_type']} / {acled['sub_event_type']}"
        if "non_state" in acled:
            ns = acled["non_state"]
            cell += f" (by a non-state actor: {ns['event_type']} / {ns['sub_event_type']})"
        out.append(f"| `{etype}` | {_words(verbs)} | {_words(nouns)} | {cell} | {mappings['plover'][etype]} |")
    out += ["", "Attacks are refined by the words of their trigger:", "",
            "| ACLED sub_event_type | trigger words |", "| --- | --- |"]
    for sub in mappings["attack_sub_types"].values():
        out.append(f"| {sub['sub_event_type']} | {_words(sub['words'])} |")
    out += ["", "Generic verbs are triggers only when their object is a place or a settlement noun "
            f"({_words(v for v in events['verbs_needing_place_object'])}).", "",
            "## Modality", "",
            "Events that did not (yet) happen are kept with a `modality` and are not counted as facts "
            f"(factual modalities: {_words(events['factual_modalities'])}).", "",
            "| modality | cue words |", "| --- | --- |"]
    for name, words in events["modality"].items():
        out.append(f"| `{name}` | {_words(words)} |")
    out += ["", "## Non-state actors with a side code of their own", "",
            "| code | name | aliases | mostly in |", "| --- | --- | --- | --- |"]
    for a in actors:
        out.append(f"| `{a['code']}` | {a['name']} | {_words(a['aliases'])} | {a['country'] or '-'} |")
    out += ["", "State actors take the ISO 3166 code of the country their phrase names "
            "(\"Ukrainian forces\" -> UA, \"Moscow's forces\" -> RU); the names, demonyms and capitals "
            "come from countryinfo and `data/sides.json`.", ""]
    return "\n".join(out)
