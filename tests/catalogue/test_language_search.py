# SPDX-License-Identifier: EUPL-1.2
"""Language-aware search: stemming per language, folding, stop words, the function vocabulary and its
facet, query syntax, hostile input and typo correction, on this run's database."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from commons.catalogue.functions import known, label, match_functions
from commons.catalogue.query import parse
from commons.catalogue.search import SearchParams, search
from commons.catalogue.textindex import STEM_MARK, fold, text_terms
from commons.errors import ValidationFailed
from commons.extensions import db
from tests.factories import CommonsFactory


def run(**args):
    multi = MultiDict()
    for key, value in args.items():
        for v in value if isinstance(value, list) else [value]:
            multi.add(key, v)
    return search(SearchParams.from_args(multi))


def slugs(result):
    return [c.slug for c in result.items]


@pytest.fixture()
def catalogue(app):
    made = {
        "meet": CommonsFactory(
            name="Meetbox",
            slug="meetbox",
            summary="Browser-based video conferencing for public agents",
            functions=["video-conferencing"],
            descriptions={
                "fr": {"short": "Visioconférence dans le navigateur pour les agents publics"},
                "de": {"short": "Videokonferenzen im Browser für Behörden"},
            },
            catalogue_status="accepted",
        ),
        "maps": CommonsFactory(
            name="Atlasweb",
            slug="atlasweb",
            summary="Framework for web map applications",
            descriptions={"de": {"short": "Rahmenwerk für Kartenanwendungen im Web"}},
        ),
        "signer": CommonsFactory(
            name="Signit",
            slug="signit",
            summary="Desktop tool for qualified electronic signatures",
            functions=["e-signature"],
        ),
        "data": CommonsFactory(
            name="Portalis",
            slug="portalis",
            summary="Open data portal software for ministries",
            functions=["data-collection"],
            topics=["open-data"],
        ),
        "apart": CommonsFactory(
            name="Scatter",
            slug="scatter",
            summary="An open registry; data are kept elsewhere",
        ),
    }
    db.session.flush()
    return made


def test_text_analysis_folds_accents_and_case_stems_per_language_and_drops_stop_words():
    assert fold("Électronique") == "electronique"
    french = text_terms("Les signatures électroniques", "fr")
    assert "les" not in french  # a French stop word
    assert {"signatures", "electroniques"} <= french
    assert STEM_MARK + "electron" in french  # French Snowball stem, folded
    german = text_terms("Die Karten der Stadt", "de")
    assert "die" not in german and STEM_MARK + "kart" in german


def test_every_language_version_is_found_with_its_own_stemming(catalogue):
    assert slugs(run(q="maps")) == ["atlasweb"]  # English stem of "map"
    assert slugs(run(q="Kartenanwendung")) == ["atlasweb"]  # German stem of the German description
    assert "meetbox" in slugs(run(q="visioconference"))  # accents folded
    assert "meetbox" in slugs(run(q="VIDEOKONFERENZEN"))  # case folded, German description


def test_a_function_word_in_any_language_finds_the_commons_of_that_function(catalogue):
    for q in ("Videokonferenz", "videoconferenza", "videoconferencia", "visioconférence", "videobellen"):
        assert slugs(run(q=q))[0] == "meetbox", q
    for q in ("signature électronique", "elektronische Signatur", "firma digitale", "digitale handtekening"):
        assert slugs(run(q=q))[0] == "signit", q
    # A multi-word synonym must appear whole: "digitale" alone names no function.
    assert match_functions(["digitale"]) == [set()]


def test_the_function_boosts_a_commons_whose_text_also_matches(catalogue):
    CommonsFactory(name="Confero", slug="confero", summary="Video conferencing rooms, booking and screens")
    db.session.flush()
    assert slugs(run(q="video conferencing"))[:2] == ["meetbox", "confero"]


def test_function_facet_counts_filters_and_labels(catalogue, client):
    result = run()
    assert dict(result.facets["function"])["video-conferencing"] == 1
    assert slugs(run(function="e-signature")) == ["signit"]
    assert sorted(slugs(run(function=["e-signature", "data-collection"]))) == ["portalis", "signit"]
    with pytest.raises(ValidationFailed) as error:
        run(function="teleportation")
    assert list(error.value.errors) == ["function"]
    assert label("e-signature", "de") == "Elektronische Signatur"
    assert label("e-signature", "fr") == "Signature électronique"
    assert label("e-signature", "pt") == "Electronic signature"  # English when the language has no label
    page = client.get("/commons?function=video-conferencing", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Fonction" in html and "Visioconférence" in html and "Meetbox" in html
    api = client.get("/api/v1/commons?function=video-conferencing").get_json()
    assert [i["slug"] for i in api["items"]] == ["meetbox"]
    assert {"value": "video-conferencing", "count": 1} in api["facets"]["function"]
    bad = client.get("/api/v1/commons?function=teleportation")
    assert bad.status_code in (400, 422) and "function" in bad.get_json()["errors"]


def test_publiccode_categories_fill_known_functions_only():
    assert known(["video-conferencing", "spaceships", "e-signature", "video-conferencing"]) == [
        "video-conferencing",
        "e-signature",
    ]
    assert known("office") == []


def test_exact_phrase_exclusion_and_or(catalogue):
    assert slugs(run(q='"open data"')) == ["portalis"]  # "open … data" apart in Scatter does not count
    assert sorted(slugs(run(q="open data"))) == ["portalis", "scatter"]
    assert slugs(run(q="open data -registry")) == ["portalis"]
    assert slugs(run(q='open -"data portal"')) == ["scatter"]
    assert sorted(slugs(run(q="signit OR atlasweb"))) == ["atlasweb", "signit"]
    assert run(q="signit atlasweb").total == 0 or run(q="signit atlasweb").any_word


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        "-",
        "--",
        "OR",
        "OR OR OR",
        "-OR",
        'data" OR "',
        "NEAR(data, 2)",
        "data*",
        "data:* & !portal | x",
        "^data",
        "name:portalis",
        "' OR 1=1 --",
        "%_%",
        "\\",
        "a" * 200,
        "ü" * 60,
        "🐍 data",
        "(((data",
        '-"" -',
    ],
)
def test_operators_typed_by_users_never_fail(catalogue, client, q):
    result = run(q=q)
    assert result.total >= 0
    assert client.get("/commons", query_string={"q": q}).status_code == 200
    assert client.get("/api/v1/commons", query_string={"q": q}).status_code == 200


def test_operator_characters_do_not_change_the_meaning_of_words(catalogue):
    plain = slugs(run(q="data"))
    for q in ("data*", "data:*", "^data", "(data)", "data!", "NEAR(data"):
        assert slugs(run(q=q)) == plain or run(q=q).any_word, q
    # FTS5 column filters and LIKE wildcards are plain text.
    assert run(q="name:portalis").items[0].slug == "portalis"
    assert run(q='"d%a"').total == 0  # not a LIKE wildcard: "d" and "a" are no words of any commons


def test_parse_understands_the_syntax():
    query = parse('video "open data" -registry maps OR karten OR')
    assert [[alt.words for alt in group] for group in query.groups] == [
        [["video"]],
        [["open", "data"]],
        [["maps"], ["karten"]],
        [["or"]],  # a dangling OR is a word that must be found
    ]
    assert [[alt.words for alt in group] for group in parse("the maps OR the karten").groups] == [
        [["maps"], ["karten"]]
    ]  # stop words go, the OR between the remaining words stays
    assert [[alt.words for alt in group] for group in parse("the OR a").groups] == [[["the"], ["a"]]]
    assert [alt.words for alt in query.excluded] == [["registry"]]


def test_a_word_that_matches_nothing_is_corrected_and_the_page_says_so(catalogue, client):
    result = run(q="signti")
    assert slugs(result) == ["signit"]
    assert result.corrected_q == "signit"
    assert result.original_q == '"signti"'
    quoted = run(q='"signti"')  # searching the text as typed is never corrected
    assert quoted.total == 0 and quoted.corrected_q is None
    html = client.get("/commons?q=signti").get_data(as_text=True)
    assert "Showing results for" in html and "signit" in html
    assert "q=%22signti%22" in html  # "search instead for" the words as typed
    api = client.get("/api/v1/commons?q=atlsweb").get_json()
    assert api["query"]["corrected"] == "atlasweb"
    assert [i["slug"] for i in api["items"]] == ["atlasweb"]
    # A known word is never "corrected".
    assert run(q="signit").corrected_q is None


def test_a_search_with_words_nobody_has_together_shows_those_with_most(catalogue, client):
    result = run(q="qualified signatures for ministries")
    assert result.any_word
    assert slugs(result)[0] == "signit"
    html = client.get("/commons?q=qualified+signatures+for+ministries").get_data(as_text=True)
    assert "No commons has all the words" in html


def test_ranking_puts_the_name_first_then_quality_breaks_ties(catalogue):
    CommonsFactory(name="Other", slug="other", summary="Mentions signit in passing")
    db.session.flush()
    assert slugs(run(q="signit")) == ["signit", "other"]
    twin_a = CommonsFactory(name="Twin", slug="twin-a", summary="same words", usage_count=1)
    twin_b = CommonsFactory(name="Twin", slug="twin-b", summary="same words", catalogue_status="accepted")
    db.session.flush()
    assert slugs(run(q="twin")) == [twin_b.slug, twin_a.slug]  # accepted before used
