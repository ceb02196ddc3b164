"""One small test per source and claim rule (issue 9), on invented sentences through the real pipeline."""

from __future__ import annotations

import pytest


def _claims(run, text, published="2025-03-10"):
    """(source phrase as written, claim, merged source) for every claim of one text."""
    article = run([text], published=published).articles[0]
    sources = {s.id: s for s in article.sources}
    return [(text[c.source_span[0]:c.source_span[1]], c, sources[c.source]) for c in article.claims]


def _by_name(claims):
    return {src.name: (c, src) for _, c, src in claims}


def test_a_negated_cue_is_no_claim(run):
    text = "The militia did not comment, but a Kenyan police officer said the convoy was attacked near Garissa."
    claims = _claims(run, text)
    assert [p for p, _, _ in claims] == ["a Kenyan police officer"]


def test_a_negated_cue_leaves_the_participle_that_reports(run):
    text = "Russia's Defence Ministry did not acknowledge the setback, saying its units had repelled four assaults."
    ((phrase, c, src),) = _claims(run, text)
    assert phrase == "Russia's Defence Ministry" and c.certainty == "reported" and src.side == "RU"


def test_condemned_what_it_called_is_claimed(run):
    text = "The government of Niger condemned what it called a \"cowardly\" ambush near Tillaberi."
    ((_, c, src),) = _claims(run, text)
    assert c.cue == "condemned" and c.certainty == "claimed" and src.kind == "official"


def test_a_pronoun_inside_what_its_source_says_is_no_second_claim(run):
    text = "The KIA said its fighters had overrun a junta outpost, which it accused of shelling villages."
    claims = _claims(run, text)
    assert len(claims) == 1 and claims[0][0] == "The KIA"


def test_unmarked_officials_speak_for_the_theatre_once_their_kind_is_known(run):
    text = ("Russian shells hit Kupiansk on Monday.\nA drone struck Balakliia and Chuhuiv.\n"
            "\"We will hold,\" Oleksiy Marchenko said in a statement.\n"
            "Marchenko, who was appointed army commander last month, said reinforcements had arrived.")
    names = _by_name(_claims(run, text, "2024-05-13"))
    _, src = names["Oleksiy Marchenko"]
    assert src.kind == "military" and src.side == "UA"


def test_a_pro_state_channel_takes_the_theatre(run):
    text = ("Rebels attacked Sittwe and Kyaukphyu in Rakhine State on Monday, and fighting spread to Ann.\n"
            "A pro-military Telegram channel said the garrison in Sittwe was holding.")
    claims = _claims(run, text, "2024-12-16")
    src = next(s for p, _, s in claims if "Telegram" in p)
    assert src.kind == "social_media" and src.side == "MM"


def test_the_group_is_the_armed_group_that_spoke_last(run):
    text = ("The ELN said its fighters had attacked positions of the FARC dissidents near Tibu.\n"
            "The group denied killing civilians.")
    claims = _claims(run, text, "2025-01-20")
    assert [src.side for _, _, src in claims] == ["ELN", "ELN"]


def test_a_description_headed_by_an_occupation_makes_a_witness(run):
    text = ("\"The water ran out two days ago,\" said Amina, a 40-year-old pharmacist sheltering in a clinic run by "
            "UNICEF in Khartoum.")
    ((_, _, src),) = _claims(run, text, "2024-06-01")
    assert src.kind == "witness" and src.side is None


def test_a_bracketed_acronym_names_the_armed_group(run):
    text = ("The Kachin Independence Army (KIA) said on Sunday that its forces had taken the town of Bhamo.\n"
            "The group said dozens of soldiers had surrendered.")
    claims = _claims(run, text, "2025-01-12")
    assert claims[0][0].endswith("(KIA)")
    assert all(src.kind == "military" and src.side == "KIA" for _, _, src in claims)


def test_one_of_them_is_the_described_person(run):
    text = ("Two residents described the shelling.\n"
            "\"The windows broke in the night,\" said one of them, a 60-year-old farmer who asked not to be named.")
    claims = _claims(run, text, "2024-02-01")
    assert any(p.endswith("farmer") and src.kind == "witness" for p, _, src in claims)


def test_a_name_in_apposition_is_the_source(run):
    text = "Sudan's army commander in Darfur, Brig Gen Ahmed Osman Musa, told reporters that El Fasher was calm."
    ((phrase, _, src),) = _claims(run, text, "2024-06-01")
    assert src.person == "Ahmed Osman Musa" and src.kind == "military"


def test_a_surname_the_tagger_took_for_a_place_finds_its_title(run):
    text = ("Colombian President Gustavo Petro declared a state of emergency in Cucuta on Monday.\n"
            "Petro said the army would patrol the border.")
    claims = _claims(run, text, "2025-01-20")
    _, c, src = claims[-1]
    assert src.kind == "official" and src.side == "CO"


def test_the_state_of_the_sources_when_places_leave_it_open(run):
    text = ("Colombian President Gustavo Petro said gangs had attacked a prison.\n"
            "Colombian police said 20 inmates had escaped, while Venezuelan authorities said the border was closed.\n"
            "Colombia's interior minister said more raids were planned.\n"
            "Local officials said the streets were empty.")
    claims = _claims(run, text, "2025-01-20")
    src = next(s for p, _, s in claims if p == "Local officials")
    assert src.side == "CO"


def test_a_possessive_title_takes_its_possessors_side(run):
    text = ("UN Secretary-General Antonio Guterres condemned the massacre \"in the strongest terms\", "
            "his spokesman Stephane Dujarric said.")
    names = _by_name(_claims(run, text, "2024-08-27"))
    c, src = names["Stephane Dujarric"]
    assert src.kind == "organization" and src.side == "INT"


def test_an_adviser_to_its_commander_is_an_official_of_the_group(run):
    text = "The RSF did not respond, but an adviser to its commander said the fighters had regrouped near Omdurman."
    ((phrase, _, src),) = _claims(run, text, "2024-03-12")
    assert phrase.startswith("an adviser") and src.kind == "official" and src.side == "RSF"


def test_a_rank_is_not_part_of_the_name(run):
    text = "\"The airport is secure,\" army spokesman Brig Gen Samir Haddad said in a statement."
    ((_, _, src),) = _claims(run, text, "2024-03-12")
    assert src.person == "Samir Haddad" and src.kind == "military"


def test_a_defence_force_spokesman_with_a_rank_is_military(run):
    text = "\"The town is ours,\" Kenya Defence Forces spokesman Colonel Peter Otieno told AFP."
    ((_, _, src),) = _claims(run, text, "2024-03-12")
    assert src.kind == "military" and src.side == "KE"


def test_a_quotation_inside_a_quotation_is_the_speakers(run):
    text = "\"The rebels keep announcing victories. They lie,\" the governor said."
    claims = _claims(run, text, "2024-03-12")
    assert [p for p, _, _ in claims] == ["the governor"]


@pytest.mark.parametrize("text", [
    "A police spokesman told AFP the report was \"not true\" and that the market was open.",
    "A police spokesman said the reports of a massacre were \"a lie\".",
])
def test_saying_it_is_not_true_is_a_denial(run, text):
    ((_, c, _),) = _claims(run, text, "2024-03-12")
    assert c.certainty == "denied"


def test_a_denial_among_one_speakers_cues_is_the_stance(run):
    text = "Army spokesman Major Tun Lin told state media the base was intact and denied that any officers had been captured."
    ((_, c, _),) = _claims(run, text, "2024-12-21")
    assert c.certainty == "denied"


def test_states_speaking_together_are_one_source(run):
    text = "Qatar and Egypt suspended their mediation on Sunday, saying the parties had failed to compromise."
    ((phrase, _, src),) = _claims(run, text, "2024-11-10")
    assert phrase == "Qatar and Egypt" and src.kind == "official" and src.side == "QA"


def test_a_possessors_claim_without_content_is_no_new_claim(run):
    text = "There is no evidence to support the ministry's claims."
    assert _claims(run, text, "2024-11-10") == []


def test_what_it_said_is_claimed_and_it_is_the_clause_subject(run):
    text = ("Local officials said the hospital in Sidon was damaged.\n"
            "Israel struck a depot near Tyre in what it said was a response to rocket fire.")
    claims = _claims(run, text, "2024-10-02")
    phrase, c, src = claims[-1]
    assert phrase == "it" and src.side == "IL" and c.certainty == "claimed"


def test_a_survivor_named_only_as_someone(run):
    text = "\"They fired from the trees,\" a survivor who gave his name only as Ibrahim told Reuters by phone."
    ((phrase, _, src),) = _claims(run, text, "2024-08-27")
    assert phrase == "a survivor" and src.kind == "witness"


def test_the_quotations_last_noun_is_not_the_speaker(run):
    text = "\"We heard the drones all night and then the blasts,\" a 30-year-old teacher told AFP by phone."
    ((phrase, _, src),) = _claims(run, text, "2024-08-27")
    assert phrase.endswith("teacher") and src.kind == "witness"


def test_a_report_coordinated_with_its_cue(run):
    text = "Rebel fighters had captured the airport north of Goma on Friday, the United Nations confirmed."
    ((phrase, c, src),) = _claims(run, text, "2025-02-16")
    assert phrase == "the United Nations" and c.certainty == "confirmed" and c.content_span is not None


def test_said_in_a_statement_that(run):
    text = "The Hezbollah leader, Naim Qassem, said in a statement that five fighters had been killed in Nabatieh."
    ((_, _, src),) = _claims(run, text, "2024-11-10")
    assert src.person == "Naim Qassem" and src.kind == "military" and src.side == "HEZBOLLAH"


def test_continues_to_assess_passes_the_subject_on(run):
    text = "ISW continues to assess that Russian forces are regrouping near Kupiansk."
    ((phrase, c, src),) = _claims(run, text, "2024-11-10")
    assert phrase == "ISW" and c.certainty == "reported" and src.kind == "think_tank"


def test_a_title_and_name_after_the_report(run):
    text = ("Overnight, drones struck a fuel depot in the port of Reni, injuring three workers, "
            "the Odesa regional governor, Oleh Kiper, said.")
    ((phrase, _, src),) = _claims(run, text, "2023-08-29")
    assert src.person == "Oleh Kiper" and src.kind == "official"


def test_the_blocs_chief_belongs_to_the_bloc(run):
    text = "The European Union pledged 50 million euros in aid for Sudan on Friday, the bloc's foreign policy chief Kaja Kallas said."
    ((_, _, src),) = _claims(run, text, "2025-03-07")
    assert src.kind == "official" and src.side == "INT"


def test_a_title_and_a_name_both_subjects(run):
    text = "The European Union's foreign policy chief Josep Borrell condemned the shelling and urged restraint."
    ((phrase, _, src),) = _claims(run, text, "2023-09-20")
    assert phrase.endswith("Josep Borrell") and src.kind == "official" and src.side == "INT"


def test_a_group_name_the_parser_broke_runs_on_to_its_acronym(run):
    text = "The Group to Support Islam and Muslims (JNIM) claimed responsibility for the attack on the army post."
    ((phrase, _, src),) = _claims(run, text, "2024-09-18")
    assert phrase.endswith("(JNIM)") and src.kind == "military" and src.side == "JNIM"


def test_the_group_of_a_lede_is_the_one_named_next(run):
    text = ("An ethnic armed group in Myanmar has seized the town of Hsenwi, the group said on Monday.\n"
            "The Ta'ang National Liberation Army (TNLA) said its fighters had taken the police station.")
    claims = _claims(run, text, "2024-08-05")
    assert claims[0][2].side == "TNLA" and claims[0][2].kind == "military"


def test_a_call_that_quotes_is_a_claim_and_a_plain_call_is_not(run):
    quoted = "Egypt, which mediates between the parties, called for \"maximum restraint and an end to escalation\"."
    ((phrase, c, src),) = _claims(run, quoted, "2024-01-12")
    assert phrase == "Egypt" and c.certainty == "reported" and src.side == "EG"
    assert _claims(run, "Egypt called for restraint on Friday.", "2024-01-12") == []


def test_a_regional_bloc_is_an_international_organization(run):
    text = "The East African Community said its leaders would meet in Nairobi to discuss the fighting."
    ((_, _, src),) = _claims(run, text, "2025-02-16")
    assert src.kind == "organization" and src.side == "INT"


def test_a_participle_hung_on_a_denied_report_is_the_deniers(run):
    text = ("The army denied a report that its jets had struck a market in Mayo, "
            "saying the blast was caused by a rebel shell.")
    claims = _claims(run, text, "2024-03-12")
    assert [p for p, _, _ in claims] == ["The army"] and claims[0][1].certainty == "denied"


def test_a_local_official_speaks_for_the_country_of_his_sentence(run, pipeline):
    """With the article's resolved places (``resolve_sources(..., places=...)``), a regional governor
    in a sentence set in Russia is Russian although the article is about Ukraine."""
    from fogofwar.claims import find_attributions
    from fogofwar.nlp import cached_sentences, sentence_index, sentences_of
    from fogofwar.sources import resolve_sources

    text = ("Russian shells hit Kupiansk on Monday.\nA drone struck Balakliia and Chuhuiv.\n"
            "In Russia's Belgorod region, a drone struck a car near Shebekino, regional governor Ivan Petrov said.")
    places = run([text], published="2025-07-31").articles[0].places
    assert {p.country for p in places if p.sentence == 2} == {"RU"}
    doc = pipeline.nlp(text)
    with cached_sentences(doc):
        sentences = sentences_of(doc)
        attributions = find_attributions(doc, sentences, sentence_index(doc, sentences))
        without, _ = resolve_sources(attributions, theatre="UA")
        with_places, _ = resolve_sources(attributions, theatre="UA", places=places)
    assert [s.side for s in without] == ["UA"]  # the theatre alone
    assert [s.side for s in with_places] == ["RU"]


def test_a_title_before_a_name_after_a_closing_quote_describes_it(run):
    text = "\"Our men have pulled back to the hills,\" a CSP spokesman, Mohamed Ramadane, told AFP from Kidal in Mali."
    ((phrase, c, src),) = _claims(run, text)
    assert phrase == "Mohamed Ramadane" and (src.kind, src.side) == ("official", "CSP")
    assert "spokesman" not in text[c.content_span[0]:c.content_span[1]]


def test_according_to_a_title_and_a_name_is_the_name(run):
    text = "Rebel units reached the airport of Tripoli, according to an LNA spokesman, Ahmed Salem."
    ((phrase, _, src),) = _claims(run, text)
    assert phrase == "Ahmed Salem" and (src.kind, src.side) == ("official", "LNA")


def test_a_long_title_before_a_name_gives_its_kind_and_side(run):
    text = ("The leader of the Tigray People's Liberation Front (TPLF), Getachew Reda, told Reuters that his "
            "forces had left Shire.")
    ((_, _, src),) = _claims(run, text)
    assert (src.kind, src.side) == ("military", "TPLF")


def test_an_armys_spokesman_is_military_and_a_groups_spokesman_official(run):
    army = _by_name(_claims(run, "\"The strikes will continue,\" the army's spokesman, Brig Gen Tomas Ruiz, told reporters in Bogota."))
    assert army["Tomas Ruiz"][1].kind == "military"


def test_a_defined_acronym_is_the_body_it_stands_for(run):
    text = ("The Malian Ministry of Defence (MoD) said troops had entered Kidal and Anefis.\n"
            "The MoD claimed that no soldiers had been killed in Kidal.")
    claims = _claims(run, text)
    assert len(claims) == 2 and claims[0][2].id == claims[1][2].id and claims[1][2].kind == "military"
    text = ("Fighting near Tripoli killed 12 people, said the interior ministry of the Government of National "
            "Unity (GNU) in Libya.\nThe GNU said its forces had retaken the airport of Tripoli.")
    gnu = _by_name(_claims(run, text))["The GNU"][1]
    assert gnu.kind == "official" and gnu.name == "The GNU"


def test_a_given_name_after_an_honorific_is_the_person_named_before(run):
    text = ("Ethiopia's Prime Minister Abiy Ahmed said the operation in Tigray was over.\n"
            "Mr Abiy tweeted that federal troops had taken Mekelle in Tigray.")
    claims = _claims(run, text)
    assert len({src.id for _, _, src in claims}) == 1 and claims[1][2].kind == "official"


@pytest.mark.parametrize(("text", "phrase", "kind", "side"), [
    ("Saudi state media reported that a drone was shot down over Abha.", "Saudi state media", "media", "SA"),
    ("The Saudi-led coalition said its jets had struck Sanaa.", "The Saudi-led coalition", "military", "SA"),
    ("The US Department of Defense said it would send missiles to Kyiv.", "The US Department of Defense", "military", "US"),
    ("The World Health Organization said a hospital in Khartoum was hit.", "The World Health Organization",
     "organization", "INT"),
    ("Humanitarian workers said the shelling of Goma had killed ten people.", "Humanitarian workers", "organization",
     None),
    ("State-affiliated Walta Broadcasting reported that troops had taken Shire.", "State-affiliated Walta Broadcasting",
     "media", None),
    ("Turkey's communications director said Turkish jets had struck Idlib.", "Turkey's communications director",
     "official", "TR"),
])
def test_bodies_named_by_their_kind(run, text, phrase, kind, side):
    ((got, _, src),) = _claims(run, text)
    assert (got, src.kind, src.side) == (phrase, kind, side)


def test_the_coalition_is_the_one_named_before(run):
    text = ("The US-led coalition has carried out strikes on Islamic State in Mosul.\n"
            "Islamic State fighters attacked Iraqi troops in Mosul.\n"
            "The coalition said it had carried out 1,250 air strikes around Mosul.")
    ((_, _, src),) = _claims(run, text)
    assert (src.kind, src.side) == ("military", "US")  # not the armed group named last


def test_a_capitalised_preposition_stays_inside_a_name(run):
    ((phrase, _, src),) = _claims(run, "Doctors Without Borders said its hospital in Kunduz had been hit.")
    assert phrase == "Doctors Without Borders" and src.kind == "organization"


def test_a_government_department_is_official(run):
    text = "The Department of Social Welfare and Development said 300,000 people had fled Marawi."
    ((_, _, src),) = _claims(run, text)
    assert src.kind == "official"


def test_rebel_sources_speak_for_the_group_and_residents_for_themselves(run):
    text = ("M23 rebels have entered the centre of Bukavu in Congo, rebel sources said.\n"
            "Drone strikes hit Kidal and Anefis in Mali, according to residents and the CSP.")
    by_phrase = {phrase: src for phrase, _, src in _claims(run, text)}
    assert by_phrase["rebel sources"].side == "M23"
    assert by_phrase["residents"].side is None and by_phrase["the CSP"].side == "CSP"


def test_separatist_authorities_do_not_speak_for_the_state(run):
    text = ("Azerbaijani forces shelled Stepanakert and Shusha in Azerbaijan.\n"
            "The separatist authorities said 200 people had been killed in Stepanakert.")
    ((_, _, src),) = _claims(run, text)
    assert src.side != "AZ"


def test_the_groups_spokesman_is_the_groups_official(run):
    text = ("Houthi fighters advanced on Marib in Yemen.\n"
            "The group's military spokesman, Yahya Saree, said its forces had liberated several positions near Marib.")
    ((_, _, src),) = _claims(run, text)
    assert (src.kind, src.side) == ("official", "HOUTHIS")  # not Yemen's army


def test_an_acronym_alias_counts_only_as_written():
    from fogofwar import lexicon
    assert lexicon.sides_in_text("The rebels let the convoy pass") == []  # "let" is not LeT
    assert lexicon.sides_in_text("LeT fighters crossed the line") == ["LET"]
    assert lexicon.sides_in_text("the aa battery") == [] and lexicon.sides_in_text("AA troops") == ["AA"]


def test_a_rival_government_speaks_as_officials(run):
    text = "The Government of National Accord said its forces had repelled an attack on Tripoli."
    ((_, _, src),) = _claims(run, text)
    assert (src.kind, src.side) == ("official", "GNA")


def test_an_office_title_is_not_part_of_the_name(run):
    text = ("Heavy fighting continues in Bakhmut, Deputy Defense Minister Hanna Maliar wrote on Telegram.\n"
            "According to Maliar, Ukrainian units retook ground north of Bakhmut.")
    names = {src.name for _, _, src in _claims(run, text)}
    assert names == {"Hanna Maliar"}


def test_a_monitor_named_for_a_country_speaks_for_no_side(run):
    text = "The Syrian Observatory for Human Rights said 40 people were killed in air strikes on Idlib."
    ((_, _, src),) = _claims(run, text)
    assert (src.kind, src.side) == ("organization", None)


def test_a_spokesman_for_the_rebels_speaks_for_their_group(run):
    text = ("Rebels loyal to Riek Machar captured Bentiu on Tuesday.\n"
            "A UN official said thousands had fled.\n"
            "Aid groups said the town was empty.\n"
            "Residents said shops were closed.\n"
            "A spokesman for the rebels, Lul Ruai Koang, denied that civilians had been killed in Bentiu.")
    by_name = _by_name(_claims(run, text))
    assert by_name["Lul Ruai Koang"][1].side == "SPLA-IO"


def test_a_secretary_general_and_the_un_security_council_are_international(run):
    text = ("Rebels attacked Bor in South Sudan.\n"
            "The UN security council condemned both attacks, and secretary general Ban Ki-moon said those "
            'responsible "must be held accountable".')
    kinds = {src.name: (src.kind, src.side) for _, _, src in _claims(run, text)}
    assert kinds["Ban Ki-moon"] == ("organization", "INT")
    assert kinds["The UN security council"] == ("organization", "INT")


def test_an_administration_official_speaks_for_the_government_that_spoke_last(run):
    text = ("Russian forces shelled Kharkiv in Ukraine.\n"
            "In Hiroshima on Friday, U.S. President Joe Biden told G7 leaders that Washington would back a joint "
            "effort to train Ukrainian pilots on F-16 jets, a senior administration official said.")
    by_name = _by_name(_claims(run, text))
    assert by_name["a senior administration official"][1].side == "US"


def test_coalition_figures_are_the_coalitions(run):
    text = ("The U.S.-led coalition has bombed Islamic State in Raqqa.\n"
            "Coalition aircraft carried out 4,000 air strikes around Raqqa, according to coalition figures.")
    by_phrase = {phrase: src for phrase, _, src in _claims(run, text)}
    assert by_phrase["coalition figures"].side == "US"


@pytest.mark.parametrize("text", [
    "The coalition said foreign fighters were not part of the deal, a claim that could not be independently verified.",
    "Jets bombed villages near Myawaddy on Wednesday, killing five civilians, the KNU said, a figure Reuters could "
    "not independently verify.",
])
def test_a_judgement_appended_to_the_whole_claim_counts(run, text):
    ((_, claim, _),) = _claims(run, text)
    assert claim.certainty == "unconfirmed"


def test_a_name_the_tagger_broke_keeps_its_title_and_group(run):
    # "Saw", a Karen name word, is tagged as the verb "saw": the phrase still runs back over the name
    # and its title, and a group's spokesperson is its official
    text = "Soldiers left the base, Karen National Union spokesperson Padoh Saw Taw Nee told Reuters."
    ((phrase, _, src),) = _claims(run, text)
    assert phrase == "Karen National Union spokesperson Padoh Saw Taw Nee"
    assert (src.kind, src.side) == ("official", "KNU")


@pytest.mark.parametrize("text, kind", [
    ("Soldiers left the town, M23 spokesperson Lawrence Kanyuka said.", "official"),  # a spokesperson is a spokesman
    ("Rwanda Defence Force spokesperson Ronald Rwivanga said soldiers left the town.", "military"),
    ("Soldiers left the town, Nigeria's defence headquarters said.", "military"),
    ("Defence spokesman Maj Gen Chris Olukolade said troops had left the town.", "military"),
    ("Aid agencies estimate that 230,000 people have fled the fighting.", "organization"),
    ("Thousands fled the town, aid workers said.", "organization"),
    ("The pro-rebel TamilNet website said troops had left the town.", "media"),
    ("Eduard Kokoity, the separatist leader of South Ossetia, said his fighters had left the town.", "military"),
    ("Natalia Shevchenko, 63, who reached Dnipro on a bus, said she had not heard from her son.", "witness"),
])
def test_kinds_of_titles_bodies_and_people(run, text, kind):
    ((_, _, src),) = _claims(run, text)
    assert src.kind == kind


def test_figures_appended_without_an_article_are_judged_too(run):
    text = ("The defence ministry said 18 soldiers had been killed and put rebel losses at more than 120, figures "
            "that could not be independently verified.")
    ((_, claim, _),) = _claims(run, text)
    assert claim.certainty == "unconfirmed"


@pytest.mark.parametrize("text, kind, side", [
    ("Iran's foreign ministry spokesman, Saeed Khatibzadeh, condemned the assault and said it was regrettable.",
     "official", "IR"),
    ("Britain's defense secretary, Liam Fox, dismissed the claim as propaganda.", "military", "GB"),
    ("Vice Adm. William E. Gortney told reporters that the strikes had hit 20 sites.", "military", None),
    ("Rebels shot down a jet, a rebel spokesman said.", "official", None),
    ("The Norwegian Refugee Council said 85,000 people had fled.", "organization", None),
    ("The Syrian Arab Red Crescent said it had sent a convoy of ten trucks.", "organization", None),
])
def test_titles_opening_a_sentence_ranks_and_bodies(run, text, kind, side):
    ((_, _, src),) = _claims(run, text)
    assert (src.kind, src.side) == (kind, side)


def test_an_officer_named_by_no_side_speaks_for_the_military_that_spoke_last(run):
    text = ("American warships fired cruise missiles at air defenses near Tripoli in Libya, the Pentagon said.\n"
            "Vice Adm. William E. Gortney told reporters that the strikes had hit 20 sites near Misurata in Libya.")
    by_name = _by_name(_claims(run, text))
    assert by_name["William E. Gortney"][1].side == "US"


def test_state_media_speak_for_the_state_at_war(run):
    text = ("Syrian government forces shelled Douma in Syria on Sunday.\n"
            "Syrian government forces pressed their offensive in Eastern Ghouta near Damascus, where state media "
            "said 40,000 people had left.")
    by_phrase = {phrase: src for phrase, _, src in _claims(run, text)}
    assert by_phrase["state media"].side == "SY"


def test_the_groups_news_agency_is_the_groups(run):
    text = ("Islamic State fighters attacked Fallujah.\n"
            "The group's Amaq news agency claimed its fighters had killed 30 soldiers.")
    by_phrase = {phrase: src for phrase, _, src in _claims(run, text)}
    assert (by_phrase["The group's Amaq news agency"].kind, by_phrase["The group's Amaq news agency"].side) == ("media", "IS")
