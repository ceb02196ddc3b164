"""Quantities in a sentence, normalised: 70 kilometers -> 70 km, 2,500 square kilometers -> 2500 km2.

Vague counts ("thousands of troops", "dozens of villages") and numbers
after "at least" / "more than" / "over" become lower bounds. Units are a small table; counted nouns (troops, settlements, tanks)
keep their noun as unit.
"""

from __future__ import annotations

import re

from fogofwar.models import Quantity

def _unit(matched: str) -> str:
    """The unit code of a matched unit word; the regex matches case-insensitively, so "ſquare
    miles" (long s) or a dotless i must fold to the table's ASCII spelling."""
    key = matched.lower()
    if key not in UNITS:
        key = matched.casefold().replace("ı", "i").replace("i̇", "i").replace("K", "k")
    return UNITS.get(key, key)


UNITS = {
    "square kilometers": "km2", "square kilometres": "km2", "sq km": "km2", "km2": "km2", "square miles": "mi2",
    "kilometers": "km", "kilometres": "km", "km": "km", "miles": "mi", "mile": "mi", "meters": "m", "metres": "m",
    "kilometer": "km", "kilometre": "km",
}
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "tens of thousands": 20000}
SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
COUNTED = ("troops", "soldiers", "settlements", "villages", "towns", "cities", "people", "civilians", "tanks",
           "rockets", "missiles", "drones", "shells", "prisoners", "fighters", "servicemen", "children", "wounded",
           "dead", "killed", "casualties")

_NUM = r"(?P<num>\d[\d,]*(?:\.\d+)?|" + "|".join(WORD_NUMBERS) + r")"
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_MEASURE = re.compile(_NUM + r"(?:\s+(?P<scale>thousand|million|billion))?\s*(?P<unit>" + _UNIT + r")\b", re.I)
_COUNT = re.compile(_NUM + r"(?:\s+(?P<scale>thousand|million|billion))?\s+(?:\w+\s+){0,2}?(?P<noun>" + "|".join(COUNTED) + r")\b", re.I)
_VAGUE = re.compile(r"\b(?P<vague>tens of thousands|dozens|scores|hundreds|thousands)\s+of\s+(?:\w+\s+){0,2}?(?P<noun>"
                    + "|".join(COUNTED) + r")\b", re.I)


_FOLD_EXCEPTIONS = "\u0131\u017f\u0130\u212a"  # ı ſ İ K: re.I matches them to i, s, i, k
_AT_LEAST = re.compile(r"(?:\bat least|\bmore than|\bover|\bupwards of|\bno fewer than|\bin excess of)\s*$", re.I)


def _floor(text: str, start: int) -> bool:
    """ "at least 27 civilians", "more than 40,000 people": the number is a lower bound."""
    return bool(_AT_LEAST.search(text[max(0, start - 20):start]))


def _number(text: str, scale: str | None) -> float:
    low = text.lower()
    value = float(WORD_NUMBERS[low]) if low in WORD_NUMBERS else float(low.replace(",", ""))
    if scale:
        value *= SCALE[scale.lower()]
    return int(value) if value.is_integer() else value


def quantities_in(text: str, offset: int = 0) -> list[Quantity]:
    """All measures and counts in a piece of text (offset is unused in values; kept for callers' spans)."""
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    # Each pattern needs one of its literal words (a unit; a counted noun) somewhere in the text:
    # look for them with plain substring tests first, which cost far less than the scans.
    # ``lower()`` folds every character that ``re.I`` matches to these ASCII words except a few
    # (dotless i, long s, dotted capital I, Kelvin sign): with those, scan anyway.
    folded = text.lower()
    exotic = any(c in text for c in _FOLD_EXCEPTIONS)
    any_unit = exotic or any(u in folded for u in UNITS)
    any_noun = exotic or any(n in folded for n in COUNTED)
    for m in (_MEASURE.finditer(text) if any_unit else ()):
        out.append(Quantity(_number(m["num"], m["scale"]), _unit(m["unit"]), m.group(0),
                            lower_bound=_floor(text, m.start())))
        taken.append(m.span())
    for m in (_VAGUE.finditer(text) if any_noun else ()):
        if free(*m.span()):
            out.append(Quantity(VAGUE[m["vague"].lower()], m["noun"].lower(), m.group(0), lower_bound=True))
            taken.append(m.span())
    for m in (_COUNT.finditer(text) if any_noun else ()):
        if free(*m.span()):
            out.append(Quantity(_number(m["num"], m["scale"]), m["noun"].lower(), m.group(0),
                                lower_bound=_floor(text, m.start())))
            taken.append(m.span())
    return out
