"""Unit tests of the claims, sources, events, dates and quantities stages, and a
generalisation check on the hand-annotated articles of tests/data/gold (five
theatres: Sudan, Gaza, Syria, eastern DRC, Ukraine; see GOLD.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fogofwar.quantities import quantities_in
from fogofwar.when import ResolvedDate, parse_published, resolve, shift_anaphoric

GOLD = Path(__file__).resolve().parent / "data" / "gold"
FACTUAL = ("asserted", "threatened", "requested")

# Saturday 10 September 2022 (the dev article's publication date)
PUB = dt.date(2022, 9, 10)


# --------------------------------------------------------------------------- when.resolve

@pytest.mark.parametrize("expression, date, precision", [
    ("on Saturday", "2022-09-10", "day"),           # the publication day itself
    ("on Friday", "2022-09-09", "day"),             # most recent Friday before it
    ("Sunday", "2022-09-04", "day"),                # never a day after publication
    ("Friday night", "2022-09-09", "day"),
    ("yesterday", "2022-09-09", "day"),
    ("last night", "2022-09-09", "day"),
    ("overnight", "2022-09-09", "day"),
    ("late last week", "2022-08-29", "week"),       # Monday of the previous week
    ("earlier this month", "2022-09-01", "month"),
    ("September 8", "2022-09-08", "day"),
    ("8 Sept 2022", "2022-09-08", "day"),
    ("Oct. 7", "2021-10-07", "day"),                # a later month this year has not happened yet
    ("in March", "2022-03-01", "month"),
    ("in May last year", "2021-05-01", "month"),
    ("in 2016", "2016-01-01", "year"),
])
def test_resolve(expression, date, precision):
    got = resolve(expression, PUB)
    assert got is not None, expression
    assert (got.date, got.precision) == (date, precision)


@pytest.mark.parametrize("expression, previous, date, precision", [
    ("Since then", ("2022-09-06", "day"), "2022-09-06", "day"),
    ("since then", ("2022-03-01", "month"), "2022-03-01", "month"),
    ("That same day", ("2022-09-08", "day"), "2022-09-08", "day"),
    ("on the following morning", ("2022-09-08", "day"), "2022-09-09", "day"),
    ("The next day", ("2022-09-30", "day"), "2022-10-01", "day"),
    ("the previous day", ("2022-09-08", "day"), "2022-09-07", "day"),
    ("two days later", ("2022-09-08", "day"), "2022-09-10", "day"),
    ("3 days earlier", ("2022-09-08", "day"), "2022-09-05", "day"),
])
def test_shift_anaphoric(expression, previous, date, precision):
    got = shift_anaphoric(expression, ResolvedDate(*previous))
    assert (got.date, got.precision) == (date, precision)


def test_shift_anaphoric_needs_a_day_to_count_from():
    assert shift_anaphoric("the next day", ResolvedDate("2022-03-01", "month")) is None
    assert shift_anaphoric("the next day", None) is None
    assert shift_anaphoric("on Friday", ResolvedDate("2022-09-08", "day")) is None


def test_anaphoric_dates_in_an_article(run):
    text = ("Ukrainian forces retook Izyum on September 10. The next day, Russian forces shelled Izyum. "
            "Two days later, Russian troops withdrew from Lyman.")
    result = run(text, published="2022-09-15")
    dates = {e.type: e.date for e in result.events}
    assert dates == {"capture": "2022-09-10", "attack": "2022-09-11", "withdrawal": "2022-09-13"}


def test_resolve_needs_publication_date_for_relative_expressions():
    assert resolve("on Friday", None) is None
    assert resolve("2022-09-08", None).date == "2022-09-08"
    assert parse_published("2024-05-11T08:00:00Z") == dt.date(2024, 5, 11)
    assert parse_published("not a date") is None


# --------------------------------------------------------------------------- quantities

def test_quantities_units_and_bounds():
    (km,) = quantities_in("Ukrainian troops have advanced 70 kilometers in less than a week")
    assert (km.value, km.unit, km.lower_bound) == (70, "km", False)
    (area,) = quantities_in("The gains amounted to 2,500 square kilometers")
    assert (area.value, area.unit) == (2500, "km2")
    (vague,) = quantities_in("threatened to encircle completely thousands of Russian troops in Izyum")
    assert vague.unit == "troops" and vague.lower_bound and vague.value >= 1000
    (floor,) = quantities_in("killing at least 27 civilians")
    assert (floor.value, floor.unit, floor.lower_bound) == (27, "civilians", True)


# --------------------------------------------------------------------------- claims and sources

def _claims(run, text, published="2024-05-11"):
    article = run([text], published=published).articles[0]
    sources = {s.id: s for s in article.sources}
    return [(text[c.source_span[0]:c.source_span[1]], c, sources[c.source]) for c in article.claims], article


def test_claim_according_to(run):
    (claim,), _ = _claims(run, "Russian forces shelled Kharkiv on Friday, according to the regional governor.")
    phrase, c, src = claim
    assert phrase == "the regional governor" and c.cue == "according to"
    assert c.certainty == "reported" and src.kind == "official"


def test_claim_said_speaker_after_and_quote(run):
    (claim,), _ = _claims(run, "\"The shelling did not stop for six hours,\" a resident of El Fasher told Reuters.")
    phrase, c, src = claim
    assert phrase.startswith("a resident") and c.quote and src.kind == "witness" and src.side is None


def test_claim_passive_confirmed_by(run):
    text = "This claim was made by unconfirmed reports on social media and confirmed by a military source."
    claims, _ = _claims(run, text)
    by_phrase = {p: c for p, c, _ in claims}
    assert by_phrase["a military source"].certainty == "confirmed"
    assert any(c.certainty == "unconfirmed" for p, c, _ in claims if "reports" in p)


def test_claim_denied_and_relative_denial(run):
    claims, _ = _claims(run, "The RSF denied that it had targeted civilians.")
    assert [(p, c.certainty, s.side, s.kind) for p, c, s in claims] == [("The RSF", "denied", "RSF", "military")]
    text = ("Russian forces also claimed to have recaptured the village of Robotyne on Thursday, "
            "which Ukraine's military denied.")
    claims, _ = _claims(run, text)
    got = {p: (c.certainty, s.side) for p, c, s in claims}
    assert got == {"Russian forces": ("claimed", "RU"), "Ukraine's military": ("denied", "UA")}


def test_claim_noun_claims_by(run):
    text = "The advance adds credence to claims by U.S. and British officials that Russian forces are overstretched."
    claims, _ = _claims(run, text)
    assert claims and all(c.certainty == "claimed" for _, c, _ in claims)
    assert any(s.side in ("US", "GB") for _, _, s in claims)


def test_claim_hedges(run):
    claims, _ = _claims(run, "Videos posted on social media appeared to show HTS fighters in Aleppo.")
    ((phrase, c, src),) = claims
    assert phrase.startswith("Videos") and c.certainty == "unconfirmed" and src.kind == "social_media"
    claims, _ = _claims(run, "Israel says it has killed more than 13,000 militants, without providing evidence.")
    ((phrase, c, src),) = claims
    assert (phrase, c.certainty, src.kind, src.side) == ("Israel", "claimed", "official", "IL")


def test_what_it_called_is_a_scare_quote_not_a_second_claim(run):
    text = "Russia's Defense Ministry on Saturday confirmed it has carried out what it called a \"regrouping\" of its forces."
    claims, article = _claims(run, text)
    assert len(claims) == 1
    phrase, c, src = claims[0]
    assert c.certainty == "confirmed" and src.kind == "military" and src.side == "RU"
    assert "regrouping" in c.scare_quotes
    # with a named subject, "what X called" is X's own (distanced) claim
    claims, _ = _claims(run, "Putin congratulated the troops on what the Kremlin called \"an important victory\".")
    assert [(p, c.certainty) for p, c, _ in claims] == [("the Kremlin", "claimed")]


def test_source_kinds_from_the_head_word(run):
    text = ("The Hamas-run health ministry said 30 people were killed.\n"
            "Hamas officials said talks in Cairo ended on Thursday without an agreement.\n"
            "Rwandan-backed M23 rebels say they have captured Goma.\n"
            "Russian military bloggers said Russian forces had retreated.")
    claims, _ = _claims(run, text)
    got = [(p, s.kind, s.side) for p, _, s in claims]
    assert got == [
        ("The Hamas-run health ministry", "official", "HAMAS"),
        ("Hamas officials", "official", "HAMAS"),
        ("Rwandan-backed M23 rebels", "military", "M23"),     # the backer is not the affiliation
        ("Russian military bloggers", "blogger", "RU"),
    ]


def test_location_and_opposition_words_are_not_sides(run):
    claims, _ = _claims(run, "The fighters entered the city on Friday, the Britain-based war monitor said.")
    ((_, _, src),) = claims
    assert src.kind == "organization" and src.side is None
    assert _claims(run, "Syrian opposition fighters captured Aleppo, witnesses said.")[1].events[0].actor_side != "SY"


def test_sources_merge_surname_and_the_source(run):
    text = ("\"U.S. assistance is arriving,\" former U.S. ambassador to NATO, Kurt Volker told ABC News.\n"
            "\"The Russians are militarily exhausted,\" Volker claimed.\n"
            "One Ukrainian military source told ABC News that everything was running to schedule.\n"
            "The source also claimed that Russian troops were running away.")
    claims, article = _claims(run, text, published="2022-09-10")
    ids = [c.source for _, c, _ in claims]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    volker = next(s for s in article.sources if s.id == ids[0])
    assert volker.person == "Kurt Volker" and volker.kind == "expert" and volker.side == "US"
    assert claims[1][1].certainty == "claimed" and claims[3][1].certainty == "claimed"
    assert next(s for s in article.sources if s.id == ids[2]).side == "UA"


def test_untagged_name_merges_and_takes_a_later_title(run):
    text = ("\"I decided to withdraw our units,\" Oleksandr Syrskyi said in a statement.\n"
            "Syrskyi, who was appointed commander-in-chief last week, said the move saved lives.")
    claims, article = _claims(run, text, published="2024-02-17")
    assert claims[0][1].source == claims[1][1].source
    assert article.sources[0].kind == "military"


def test_unmarked_witnesses_do_not_inherit_a_side(run):
    text = ("Sudanese army officials said the RSF shelled El Fasher.\n"
            "Residents said the shelling lasted six hours.")
    claims, _ = _claims(run, text)
    assert claims[-1][2].kind == "witness" and claims[-1][2].side is None


# --------------------------------------------------------------------------- events

def _events(run, text, published="2022-09-10"):
    article = run([text], published=published).articles[0]
    places = {p.id: p for p in article.places}
    return [(e, places.get(e.place)) for e in article.events]


@pytest.mark.parametrize("text, etype", [
    ("Ukrainian forces retook Izyum on Saturday.", "capture"),
    ("Russian forces pulled out of Kherson.", "withdrawal"),
    ("Ukrainian troops advanced 70 kilometers.", "advance"),
    ("Russian forces shelled Kharkiv overnight.", "attack"),
    ("Heavy gunfire was heard in the centre of Goma on Tuesday.", "attack"),
    ("The strike killed 12 civilians.", "casualties"),
    ("Russian forces suffered heavy losses.", "casualties"),
    ("The army carried out a temporary redeployment.", "withdrawal"),
    ("The United States pledged $315 million in humanitarian assistance for Sudan.", "aid"),
    ("Ukrainian forces threatened to encircle Izyum.", "encirclement"),
])
def test_trigger_types(run, text, etype):
    assert etype in [e.type for e, _ in _events(run, text)]


def test_actor_side_from_subject_agent_possessor_pronoun(run):
    (e, _), = _events(run, "Izyum was captured by Ukrainian forces.")
    assert (e.type, e.actor_side) == ("capture", "UA")
    (e, _), = _events(run, "Ukraine's capture of Izyum surprised analysts.")
    assert e.actor_side == "UA"
    (e, _), = _events(run, "Zelenskyy said his forces had liberated Izyum.")
    assert e.actor_side == "UA"
    (e, _), = _events(run, "Sudan's paramilitary Rapid Support Forces (RSF) shelled El Fasher.", "2024-05-13")
    assert e.actor_side == "RSF"  # the named group, not the country
    events = _events(run, "The RSF has been trying to take El Fasher from the Sudanese army.\n"
                          "Army drone strikes hit RSF positions near Omdurman.", "2024-05-13")
    assert [e.actor_side for e, _ in events if e.type == "attack"] == ["SAF"]  # "army" -> the Sudanese army


def test_modality(run):
    def modes(text):
        return {e.type: (e.modality, e.negated) for e, _ in _events(run, text)}

    assert modes("Ukrainian forces threatened to encircle Izyum.")["encirclement"] == ("threatened", False)
    got = modes("Russian forces retreated from Izyum to avoid being encircled.")
    assert got["withdrawal"] == ("asserted", False) and got["encirclement"][0] not in FACTUAL
    assert modes("Russian troops failed to capture Kherson.")["capture"][0] == "failed"
    assert modes("Russian forces did not capture Kherson.")["capture"] == ("negated", True)
    assert "aid" not in {t for t, (m, n) in modes("Israel says it killed militants, without providing evidence.").items()
                         if m in FACTUAL and not n}
    assert modes("An all-out assault on El Fasher could trigger a massacre.")["attack"][0] == "hypothetical"
    assert modes("Iran's foreign minister said Tehran would continue to provide military support to Syria.")["aid"][0] \
        in FACTUAL  # promised aid is aid
    assert modes("The EU called for Rwanda to withdraw its forces from Congo.").get("withdrawal", ("x",))[0] \
        not in FACTUAL


def test_civilians_fleeing_are_no_withdrawal(run):
    assert not [e for e, _ in _events(run, "Around 300,000 people have fled Rafah.", "2024-05-11")
                if e.type == "withdrawal"]
    assert [e for e, _ in _events(run, "Ukrainian troops had fled Avdiivka in disarray.", "2024-02-17")
            if e.type == "withdrawal"]


def test_place_of_event_is_the_most_specific_and_not_a_description(run):
    events = _events(run, "Israeli airstrikes killed at least 19 people in the southern Gaza city of Rafah.", "2024-05-11")
    assert {p.mention for _, p in events if p} == {"Rafah"}
    events = _events(run, "Thirteen peacekeepers were killed in fighting near Sake, west of Goma, last week.", "2025-01-28")
    assert {p.mention for _, p in events if p} == {"Sake"}
    events = _events(run, "Warplanes carried out airstrikes on Aleppo and the nearby city of Idlib.", "2024-11-30")
    assert sorted(p.mention for e, p in events if e.type == "attack") == ["Aleppo", "Idlib"]


def test_event_dates(run):
    events = _events(run, "In a major development on Saturday, Ukrainian forces retook Izyum.\n"
                          "The counteroffensive began late last week.")
    by_type = {e.type: e for e, _ in events}
    assert (by_type["capture"].date, by_type["capture"].date_precision) == ("2022-09-10", "day")
    assert (by_type["advance"].date, by_type["advance"].date_precision) == ("2022-08-29", "week")


# --------------------------------------------------------------------------- generalisation on unseen theatres

def test_gold_scores_on_five_theatres():
    """Scores on tests/data/gold (reached when this test was written: places F1 0.905,
    claims F1 0.993 (kind 0.986), events F1 0.881 (actor side 0.962); before the
    generalisation fixes: 0.905 / 0.915 (kind 0.692) / 0.757 (actor side 0.746)).
    Places are another stage's; its floor is kept loose."""
    from fogofwar.evaluate.runner import run_eval

    overall = run_eval([str(GOLD)]).overall
    assert overall["articles"] == 5
    assert overall["claims_f1"] >= 0.95
    assert overall["claims_kind_acc"] >= 0.93
    assert overall["events_f1"] >= 0.85
    assert overall["events_actor_side_acc"] >= 0.92
    assert overall["places_f1"] >= 0.85


def test_a_trigger_with_its_own_place_noun_does_not_borrow_another_triggers_place(run):
    text = ("M23 rebels captured Minova on Monday.\nBy seizing the two towns, the rebels threatened to surround "
            "thousands of government troops in Goma.")
    result = run(text, published="2025-01-25")
    second = {e.type: result.articles[0].place(e.place) for e in result.events if e.sentence == 1}
    assert second["capture"] is None  # "the two towns" are not Goma
    assert second["encirclement"].mention == "Goma"


@pytest.mark.parametrize("text, source, kind", [
    # the parser takes the reported clause's last word as the subject, the source as its apposition
    ("Russian forces captured Vuhledar, Ukraine's General Staff said on Wednesday.", "Ukraine's General Staff",
     "military"),
    ("Russian troops shelled Kramatorsk overnight, citing the Khortytsia group of forces.",
     "The Khortytsia group of forces", "military"),
    ("Russian troops shelled Kramatorsk overnight, Kyiv Daily reported.", "Kyiv Daily", "media"),
    # the reported clause before a comma is no title of the source
    ("Russian troops shelled Kramatorsk overnight, Donetsk regional governor Vadym Filashkin said.",
     "Vadym Filashkin", "official"),
])
def test_post_posed_sources(run, text, source, kind):
    result = run(text, published="2024-10-02")
    (claim,) = result.claims
    src = result.articles[0].source(claim.source)
    assert (src.name, src.kind) == (source, kind)
    assert claim.events, "the reported event is linked to the claim"


def test_a_backed_group_is_the_group_named_before_not_its_backer(run):
    text = ("Hezbollah said its fighters clashed with Israeli troops near the border village of Odaisseh.\n"
            "The Iran-backed group said its fighters had attacked an Israeli force near Maroun al-Ras.\n"
            "The Iran-backed group also shelled the village.")
    result = run(text, published="2024-10-02")
    assert [e.actor_side for e in result.events if e.type == "attack"] == ["HEZBOLLAH"] * 3


def _event_rows(run, text, published="2025-04-17"):
    result = run(text, published=published)
    article = result.articles[0]
    return [(e.type, e.actor_side, article.place(e.place).mention if e.place else None) for e in result.events
            if e.modality == "asserted"]


def test_the_expelled_side_withdraws(run):
    got = _event_rows(run, "Fano fighters briefly seized parts of Gondar before being pushed back by the army.")
    assert ("withdrawal", "FANO", "Gondar") in got
    got = _event_rows(run, "Al Shabaab overran Awdheegle in March, but Somali troops drove the militants out of the town.")
    assert any(t == "withdrawal" and side == "AL-SHABAAB" for t, side, _ in got)


def test_state_institutions_take_the_theatre_country(run):
    text = ("Al Shabaab militants captured the town of Adan Yabaal in central Somalia on Wednesday.\n"
            "The army pulled out overnight without a fight, residents in Mogadishu said.")
    assert [side for t, side, _ in _event_rows(run, text) if t == "withdrawal"] == ["SO"]


def test_no_event_in_names_or_idioms(run):
    got = _event_rows(run, "The Ta'ang National Liberation Army said Washington had been informed in advance.")
    assert got == []


def test_a_reaction_verb_subject_is_not_the_actor(run):
    text = "American and British jets struck Houthi targets in Yemen.\nIran's foreign ministry condemned the strikes."
    sides = [side for t, side, _ in _event_rows(run, text, "2024-01-12") if t == "attack"]
    assert "IR" not in sides


def test_the_city_refers_back_within_its_sentence(run):
    text = "Residents of Hodeidah said the strikes had hit the city's airport."
    assert all(place == "Hodeidah" for t, _, place in _event_rows(run, text, "2024-01-12") if t == "attack")


def _claim_rows(run, text, published="2024-08-05"):
    result = run(text, published=published)
    article = result.articles[0]
    return [(article.source(c.source).name, article.source(c.source).kind, article.source(c.source).side, c.certainty)
            for c in result.claims]


def test_state_sources_speak_for_the_theatre_country(run):
    text = ("Rebels seized Lashio in northern Shan State on Saturday, the junta said.\n"
            "Fighting continued near Hsipaw and Mandalay, a local administrator said.\n"
            "A Western diplomat in Yangon said the army was overstretched.")
    rows = _claim_rows(run, text)
    assert ("The junta", "official", "MM", "reported") in rows
    assert ("a local administrator", "official", "MM", "reported") in rows
    assert all(side != "MM" for name, _, side, _ in rows if "diplomat" in name)


def test_an_outlet_unable_to_verify_makes_no_claim(run):
    text = ("Videos posted on social media appeared to show fighters in the town.\n"
            "Reuters could not independently verify the videos.")
    assert [name for name, *_ in _claim_rows(run, text)] == ["Videos"]


def test_a_named_apposition_is_the_source(run):
    text = "A prominent Russian military blogger, Yuri Podolyaka, wrote that Ukrainian units had pushed toward Sudzha."
    assert _claim_rows(run, text, "2024-08-15") == [("Yuri Podolyaka", "blogger", "RU", "reported")]


def test_people_sharing_a_surname_are_not_merged(run):
    text = ("Police spokesman Major Abdullahi Nur said the airport was hit.\n"
            "Defence Minister Abdulkadir Mohamed Nur said the army would retake the town.")
    names = [name for name, *_ in _claim_rows(run, text, "2025-04-17")]
    assert names == ["Abdullahi Nur", "Abdulkadir Mohamed Nur"]


def test_a_backed_group_as_source_is_the_group(run):
    text = ("Hezbollah fighters clashed with Israeli troops near Odaisseh on Wednesday.\n"
            "The Iran-backed group said it had forced the soldiers to retreat.")
    rows = _claim_rows(run, text, "2024-10-02")
    assert rows == [("The Iran-backed group", "military", "HEZBOLLAH", "reported")]


def test_negated_event_nouns(run):
    text = ("Al Shabaab fired mortar rounds at the airport in Mogadishu, but no casualties were reported.\n"
            "The authorities have not published a death toll.")
    result = run(text, published="2025-04-17")
    assert [e.type for e in result.events if e.modality == "asserted"] == ["attack"]


@pytest.mark.parametrize("text, etype", [
    ("The MNDAA said its fighters had taken full control of Lashio on Saturday.", "capture"),
    ("Footage appeared to show fighters setting fire to a presidential aircraft at the airport in Bamako.", "attack"),
    ("Its fighters detonated explosives against an Israeli force near Maroun al-Ras.", "attack"),
    ("Explosions were heard in the capital, Sanaa, early on Friday.", "attack"),
    ("Putin called the incursion into Kursk Oblast a large-scale provocation.", "advance"),
])
def test_more_trigger_forms(run, text, etype):
    result = run(text, published="2024-09-18")
    assert etype in [e.type for e in result.events if e.modality == "asserted"]


def test_sides_from_earlier_mentions_and_the_state(run):
    text = ("The United States and Britain launched strikes against Houthi targets in Yemen on Friday.\n"
            "Residents in Hodeidah and Sanaa said the strikes hit the airport.\n"
            "An ethnic armed group in Myanmar seized Lashio, while military aircraft bombed Hsipaw and Lashio.")
    result = run(text, published="2024-01-12")
    sides = [(e.sentence, e.type, e.actor_side) for e in result.events if e.modality == "asserted"]
    assert (1, "attack", "US") in sides  # "the strikes": the strikes of the sentence before
    assert (2, "capture", "MM") not in sides  # "in Myanmar" says where the group is, not whose it is


def test_speakers_the_parser_misplaces(run):
    text = ("Ukrainian forces have taken full control of the town of Sudzha, Commander-in-Chief Oleksandr "
            "Syrskyi said on Thursday.\n"
            "Israeli Defence Minister Yoav Gallant said the operation aimed to allow residents to return.\n"
            "Hussein al-Ezzi, a senior Houthi official, said America would pay a heavy price.\n"
            "\"The town is lost,\" said Abdirashid Warsame, a security analyst based in Nairobi.")
    rows = _claim_rows(run, text, "2024-08-15")
    assert ("Oleksandr Syrskyi", "military") == rows[0][:2]
    assert ("Yoav Gallant", "military", "IL", "reported") in rows
    assert ("Hussein al-Ezzi", "official", "HOUTHIS", "reported") in rows
    assert ("Abdirashid Warsame", "expert", None, "reported") in rows


def test_troops_sent_to_support_an_ally_are_aid_but_not_troops_sent_into_a_country(run):
    got = _event_rows(run, "The African Union said it had sent additional troops and helicopters to support "
                           "Somali forces in Middle Shabelle.")
    assert any(t == "aid" for t, _, _ in got)
    got = _event_rows(run, "Russia sent troops into Ukraine in February 2022.", "2022-03-01")
    assert not any(t == "aid" for t, _, _ in got)


def test_fallback_place_prefers_the_town_and_never_a_neighbour_of_an_unknown_town(run):
    got = _event_rows(run, "Al Shabaab militants captured the town of Adan Yabaal in central Somalia on Wednesday "
                           "after government forces withdrew, residents said.")
    assert ("withdrawal", "SO", "Adan Yabaal") in got
    got = _event_rows(run, "A ceasefire agreed in the Chinese city of Kunming collapsed in late June, when the "
                           "TNLA attacked army positions in the town of Zzyxqtown.", "2024-08-05")
    assert [place for t, _, place in got if t == "attack"] in ([None], ["Zzyxqtown"])  # never Kunming


# --------------------------------------------------------------------------- rules added after the gold3 error analysis

def test_participle_speaker_and_modifying_names(run):
    claims, _ = _claims(run, "The militia said on Monday that its fighters had taken the depot, posting photos of the gate.\n"
                             "Georgia's interior ministry said its police had detained two men.")
    got = [(p, s.name) for p, _, s in claims]
    assert got[0][0] == "The militia" and len([p for p, _ in got if p.startswith("its")]) == 0
    assert got[-1][1] == "Georgia's interior ministry"  # a place name modifying a body is not a person


def test_person_described_elsewhere_and_titles(run):
    text = ("Hungarian Prime Minister Viktor Orban met the delegation in Budapest.\n"
            "\"We will not send troops,\" Orban said.\n"
            "Military analyst Petro Ivanenko told the newspaper that the front was stable.")
    claims, _ = _claims(run, text)
    kinds = {p: (s.kind, s.side) for p, _, s in claims}
    assert kinds["Orban"] == ("official", "HU")
    assert next(k for p, k in kinds.items() if "Ivanenko" in p)[0] == "expert"  # the title's head word


def test_naming_relative_clause_is_no_claim(run):
    claims, _ = _claims(run, "Residents of Tskhinvali, which Georgia calls Tskhinvali, said the shelling was heavy.")
    assert [p for p, _, _ in claims] == ["Residents of Tskhinvali"]


@pytest.mark.parametrize("text, etype", [
    ("Russia launched 40 drones and three missiles at Odesa overnight.", "attack"),
    ("Israeli forces continued ground operations in Khan Younis.", "attack"),
    ("Ukrainian troops held their positions and reportedly advanced near Robotyne.", "advance"),
    ("Russian forces pressed toward Pokrovsk.", "advance"),
])
def test_more_trigger_types(run, text, etype):
    assert etype in [e.type for e, _ in _events(run, text, "2024-10-02")]


def test_states_and_civilians_are_no_events(run):
    assert "encirclement" not in [e.type for e, _ in _events(run, "Armenia regained control of the surrounding districts.",
                                                              "2023-09-20")]
    assert "advance" not in [e.type for e, _ in _events(run, "Residents of Kurakhove who reached Dnipro on Tuesday were tired.",
                                                          "2024-10-02")]
    assert "capture" not in [e.type for e, _ in _events(run, "The town overlooks the Russian-occupied south.", "2024-10-02")]
    launched = _events(run, "The army launched an investigation into the convoy.", "2024-10-02")
    assert "attack" not in [e.type for e, _ in launched]


def test_losses_name_the_side_hit_and_the_enemy_the_other_side(run):
    text = ("Russian forces shelled Kupiansk on Monday.\n"
            "Ukrainian forces struck a Russian depot near Svatove.\n"
            "\"The enemy attacked our positions near Kupiansk,\" the Ukrainian brigade said.\n"
            "Russian bloggers said Ukrainian losses near Kupiansk were heavy.")
    events = [e for e, _ in _events(run, text, "2024-10-02")]
    enemy = [e for e in events if e.type == "attack" and e.actor_side not in (None,)]
    assert [e.actor_side for e in enemy] == ["RU", "UA", "RU"]
    losses = next(e for e in events if e.type == "casualties")
    assert losses.actor_side == "RU"  # Ukrainian losses were inflicted by the other side


def test_armed_party_entering_without_object_advances(run):
    assert "advance" in [e.type for e, _ in _events(run, "The army pulled out and the militants entered at dawn.", "2025-04-17")]
    assert "advance" not in [e.type for e, _ in _events(run, "The doctor entered at dawn.", "2025-04-17")]


def test_the_statement_is_its_maker_and_national_documents_are_official(run):
    text = ("The Karabakh separatist authorities said in a statement on Wednesday that a ceasefire had begun.\n"
            "Armenian units are to leave the region, according to the statement.\n"
            "Dozens were killed, according to Israeli tallies.")
    claims, _ = _claims(run, text, "2023-09-20")
    assert claims[0][1].source == claims[1][1].source  # "the statement" is the authorities'
    assert claims[1][2].kind == "official"
    assert (claims[2][2].kind, claims[2][2].side) == ("official", "IL")


def test_present_tense_control_is_a_state(run):
    assert "capture" not in [e.type for e, _ in _events(run, "Gangs control most of Port-au-Prince.", "2025-04-01")]
    assert "capture" in [e.type for e, _ in _events(run, "Gangs took control of Mirebalais.", "2025-04-01")]


def test_the_army_is_the_last_army_named(run):
    text = ("Hezbollah fighters clashed with Israeli troops near the border village of Odaisseh.\n"
            "The Israeli military confirmed that eight soldiers had been killed in southern Lebanon.\n"
            "On Tuesday, the army said its troops had begun ground raids in villages near the border.")
    claims, _ = _claims(run, text, "2024-10-02")
    assert claims[0][1].source == claims[1][1].source and claims[1][2].side == "IL"


def test_theatre_from_the_lede_between_close_leaders():
    from fogofwar.events import theatre_of
    from fogofwar.models import Place

    def place(country):
        return Place(id="p", mention="x", start=0, end=1, sentence=0, geonameid=None, name="x", kind="city",
                     lat=0.0, lon=0.0, country=country, admin1=None, confidence=1.0)
    assert theatre_of([place(c) for c in ["ML", "ML", "BF", "ML", "BF", "ML", "BF"]]) == "ML"
    assert theatre_of([place(c) for c in ["BF", "ML", "ML", "BF"]]) is None  # a tie decides nothing


def test_a_repelled_attack_is_the_other_sides(run):
    text = ("Russian forces shelled Kupiansk on Monday.\n"
            "Ukrainian forces struck a Russian depot near Svatove.\n"
            "Ukrainian troops repelled the assault on Kupiansk, the brigade said.")
    attacks = [e for e, _ in _events(run, text, "2024-10-02") if e.type == "attack"]
    assert [e.actor_side for e in attacks] == ["RU", "UA", "RU"]


def test_a_denied_and_a_stated_attack_in_one_line_stay_apart(run):
    text = "Moscow did not acknowledge the strike, but a Russian blogger said air defences had destroyed two Ukrainian boats."
    attacks = [e for e, _ in _events(run, text, "2023-11-17") if e.type == "attack"]
    assert any(e.modality == "asserted" for e in attacks)
    assert "attack" in [e.type for e, _ in _events(run, "ISW assesses that Ukrainian operations near Krynky continue.",
                                                    "2023-11-17")]


def test_a_place_under_fire_is_the_target_and_it_is_the_place_before(run):
    text = ("Rebels captured Aleppo on Friday and moved south toward Hama.\n"
            "Hama came under heavy shelling on Saturday as the fighters pushed toward it, a resident said.")
    events = _events(run, text, "2024-11-30")
    attack = next((e, p) for e, p in events if e.type == "attack")
    assert attack[0].actor is None and attack[1] is not None and attack[1].mention == "Hama"
    advance = [(e, p) for e, p in events if e.type == "advance" and e.sentence == 1]
    assert advance and advance[0][1] is not None and advance[0][1].mention == "Hama"


def test_quantities_fold_exotic_letters():
    assert [(q.value, q.unit) for q in quantities_in("an area of 40 ſquare miles")] == [(40, "mi2")]


def test_two_places_sharing_a_unit_word_are_two_targets(run):
    text = ("Rebels captured Aleppo and Hama this week.\n"
            "Russia's Defence Ministry said its aircraft had killed 300 fighters in strikes on rebel positions "
            "in Hama and Homs provinces over the past 24 hours.")
    places = sorted(p.mention for e, p in _events(run, text, "2024-12-07") if e.type == "attack" and p)
    assert places == ["Hama", "Homs provinces"]


def test_a_place_in_a_relative_clause_is_the_events_own(run):
    text = ("Russian forces pressed on in the east.\n"
            "The retreat is the latest in Donetsk Oblast, where Russian forces also captured the town of Novohrodivka last month.")
    capture = next((e, p) for e, p in _events(run, text, "2024-10-02") if e.type == "capture")
    assert capture[1] is not None and capture[1].mention == "Novohrodivka"


@pytest.mark.parametrize("expression, date, precision", [
    ("two days ago", "2022-09-08", "day"),
    ("3 days ago", "2022-09-07", "day"),
    ("last weekend", "2022-09-03", "week"),  # the Saturday before the latest Monday (5 September)
])
def test_resolve_days_ago_and_last_weekend(expression, date, precision):
    r = resolve(expression, PUB)
    assert r is not None and (r.date, r.precision) == (date, precision)


def test_where_a_speaker_is_is_not_whose_side_and_a_groups_army_is_not_the_army(run):
    text = ("Jihadists attacked a training school in Bamako, the capital of Mali.\n"
            "A Western diplomat in Bamako said the attack had shaken the junta.\n"
            "The Arakan Army said its fighters had taken the town.\n"
            "The military denied losing the town.\n"
            "Houthi military spokesman Yahya Saree said five fighters had been killed.")
    claims, _ = _claims(run, text, "2024-09-18")
    by_phrase = {p: (c.source, s.kind, s.side) for p, c, s in claims}
    assert by_phrase["A Western diplomat in Bamako"][2] is None  # a foreign diplomat who is in Bamako
    assert by_phrase["The military"][0] != by_phrase["The Arakan Army"][0]
    assert next(k for p, (_, k, _) in by_phrase.items() if "Saree" in p) == "military"


def test_a_lede_group_takes_the_name_the_next_sentence_gives(run):
    text = ("An ethnic armed group in Myanmar has seized Lashio, the largest town in northern Shan State.\n"
            "The Myanmar National Democratic Alliance Army said its fighters had taken the town.")
    capture = next(e for e, _ in _events(run, text, "2024-08-05") if e.type == "capture")
    assert capture.actor_side == "MNDAA"


def test_a_date_hung_below_the_trigger_dates_it(run):
    text = "In Adan Yabaal, residents said the militants had executed two men accused of spying on Wednesday evening."
    casualties = next(e for e, _ in _events(run, text, "2025-04-17") if e.type == "casualties")
    assert casualties.date == "2025-04-16"
