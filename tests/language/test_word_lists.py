"""The parser's word lists are data (language/data/word_lists.yaml), checked by kb check."""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.language import context, lexicon
from spasmcheck.language.check import language_problems
from spasmcheck.language.tokens import tokenize
from spasmcheck.language.wordlists import word_list_problems, word_lists


def test_the_packaged_word_lists_are_valid_and_used() -> None:
    assert word_list_problems() == []
    words = word_lists()
    assert words.context.clause_starters == context.CLAUSE_STARTERS
    assert words.context.forward_scope == context.FORWARD_SCOPE
    assert words.lexicon.inner_negations == lexicon.INNER_NEGATIONS
    assert "no" in context.BARE_ANSWERS  # a string list: YAML never turns "no" into false


GOOD = """
context: {forward_scope: 12, backward_scope: 6, list_words: "or", list_fillers: "any",
          clause_starters: "i", new_subjects: "he",
          subject_clause_openers: "that", possessive_subjects: "his", bare_answers: "no", double_negators: "never",
          approximate_after_or: "two",
          novelty_after_never: ["like this"], own_negators: "can't",
          negated_predicate_joiners: "and", articles_after_and: "a"}
lexicon: {phrase_fillers: "is", max_skipped: 2, inner_negations: "not", list_heads: "pain",
          list_joiners: "or", match_classes: ["my his"], not_also: "isn't",
          one_side_readings: {weakness_one_side: weakness}, plural_limbs: "legs",
          side_words: "left", antecedents: "face"}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('bare_answers: "no"', "bare_answers: [no]"), "context.bare_answers: Value error"),
        (('list_heads: "pain"', 'list_heads: "Pain"'), "lowercase: 'Pain'"),
        (('list_words: "or"', 'list_words: "or or"'), "'or' is listed twice"),
        (("max_skipped: 2", "max_skiped: 2"), "lexicon.max_skiped: Extra inputs"),
        (('novelty_after_never: ["like this"]', "novelty_after_never: []"), "novelty_after_never"),
        (('["my his"]', '["my his", "his her"]'), "'his' is in more than one match class"),
        (('["my his"]', '["my"]'), "a match class needs at least two words"),
    ],
)
def test_a_bad_word_list_is_a_problem(change: tuple[str, str], message: str) -> None:
    assert word_list_problems(GOOD.encode()) == []
    problems = word_list_problems(GOOD.replace(*change).encode())
    assert any(message in p for p in problems), problems


def test_kb_check_names_an_unknown_finding_in_the_language_data(
    kb: KnowledgeBase, tiny_kb: KnowledgeBase
) -> None:
    assert [p for p in language_problems(kb) if "attributes.yaml" in p or "onset.yaml" in p] == []
    problems = language_problems(tiny_kb)  # a knowledge base without these findings
    assert "language/data/attributes.yaml: unknown finding 'muscle_wasting'" in problems
    assert any(p.startswith("language/data/onset.yaml: unknown finding") for p in problems)
    assert [p for p in language_problems(kb) if "word_lists.yaml" in p] == []


def test_kb_check_names_an_unknown_finding_in_the_word_lists(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spasmcheck.language import check

    lists = word_lists()
    lexicon_words = lists.lexicon.model_copy(
        update={"one_side_readings": {"weakness_one_sid": "weakness"}}
    )
    monkeypatch.setattr(
        check, "word_lists", lambda: lists.model_copy(update={"lexicon": lexicon_words})
    )
    assert "language/data/word_lists.yaml: unknown finding 'weakness_one_sid'" in (
        language_problems(kb)
    )


def test_a_match_class_is_matched_as_one_word_in_phrases() -> None:
    """ "she couldn't get her words out" is the lexicon's "can't get my words out"; a phrase's
    "not" matches a typed "isn't", a phrase's "isn't" never a typed "not"."""
    found = lexicon.Lexicon(
        [
            ("can't get my words out", "speech"),
            ("not responding", "unresponsive"),
            ("isn't breathing", "arrest"),
        ]
    )

    def read(text: str) -> list[str]:
        return [m.finding_id for m in found.match(tokenize(text))]

    assert read("she couldnt get her words out") == ["speech"]
    assert read("he is not responding") == ["unresponsive"]
    assert read("he isnt breathing") == ["arrest"]
    assert read("i am not breathing fast") == []


def test_a_place_inside_a_longer_phrase_is_still_read() -> None:
    found = lexicon.Lexicon(
        [("strained my calf", "strain"), ("calf", "loc_calf"), ("my calf", "loc_calf")],
        nested=["loc_calf"],
    )
    got = {(m.finding_id, m.first, m.last) for m in found.match(tokenize("he strained his calf"))}
    assert ("strain", 1, 4) in got
    assert any(f == "loc_calf" for f, _, _ in got)


def test_a_medicine_name_is_not_a_dropped_g() -> None:
    """ "statin" is not "stating" (whose stem is "state"): "state level cross country" is no
    statin."""
    from spasmcheck.language.tokens import phrase_keys

    assert phrase_keys("statin") != phrase_keys("state")
    assert phrase_keys("twitchin") == phrase_keys("twitching")


# Each language data file, the model that validates it (spasmcheck.language.schema) and the
# record the parser reads it as.
PLAIN_FILES = [
    ("normalise.yaml", "_NormalisationFile", "spasmcheck.language.tokens", "_Normalisation"),
    ("word_lists.yaml", "WordLists", "spasmcheck.language.wordlists", "WordLists"),
    ("context_rules.yaml", "_RuleFile", "spasmcheck.language.context", "_Rules"),
    ("attributes.yaml", "_AttributeFile", "spasmcheck.language.parser", "_AttributeFile"),
    ("hpo_synonyms.yaml", "_HpoFile", "spasmcheck.language.parser", "_HpoFile"),
    ("onset.yaml", "_OnsetFile", "spasmcheck.language.parser", "_OnsetFile"),
    ("whose_and_when.yaml", "_WhoseFile", "spasmcheck.language.parser", "_WhoseFile"),
    ("fillers.yaml", "_FillerFile", "spasmcheck.language.parser", "_FillerFile"),
]


@pytest.mark.parametrize(("file", "model", "module", "kind"), PLAIN_FILES)
def test_each_file_is_read_as_the_record_its_model_validates(
    file: str, model: str, module: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser reads the language files as records made from the validated plain form
    (issue 16 item 8): the same values with the cache and without, a form of another shape
    is never taken, and a bad file is still refused by its model."""
    import importlib

    from pydantic import ValidationError

    from spasmcheck.knowledge import validated
    from spasmcheck.knowledge.parsed import content_key, load_yaml
    from spasmcheck.language import schema
    from spasmcheck.language.data import read_data

    monkeypatch.setattr(validated, "_FORMS", {})
    monkeypatch.setattr(validated, "_RECORDING", [True])
    record = getattr(importlib.import_module(module), kind)
    assert record.__model__ == f"spasmcheck.language.schema.{model}"
    raw = read_data(file)
    key = f"{record.__model__}:{content_key(raw)}"
    fresh = validated.validated(raw, record)
    form = getattr(schema, model).model_validate(load_yaml(raw)).model_dump(mode="json")
    assert validated.known() == {key: form}
    assert validated.validated(raw, record) == fresh  # from the remembered form
    spoilt = {**form, next(iter(form)): 12345}
    monkeypatch.setattr(validated, "_FORMS", {key: spoilt})
    assert validated.validated(raw, record) == fresh  # refused, the file validated again
    with pytest.raises(ValidationError):
        validated.validated(b"unknown_key: 1\n", record)
