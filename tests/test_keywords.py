"""news.keywords: parsing alert queries and matching them against an article's words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from news import keywords
from news.keywords import Query, QueryError, article_words, match, parse_query, tokens

Terms = tuple[tuple[str, ...], ...]


def matches(query: str, *texts: str) -> str | None:
    return match(parse_query(query), article_words(texts))


@pytest.mark.parametrize(
    ("text", "required", "excluded"),
    [
        ("North Korea", (("north",), ("korea",)), ()),
        ('"Kim Jong Un" -sport', (("kim", "jong", "un"),), (("sport",),)),
        ("“Kim Jong Un”", (("kim", "jong", "un"),), ()),
        ("«Кім Чен Ин» -спорт", (("кім", "чен", "ин"),), (("спорт",),)),
        ("„Kim Jong“", (("kim", "jong"),), ()),
        ('nato -"air show"', (("nato",),), (("air", "show"),)),
        ("covid-19", (("covid", "19"),), ()),
        ("korea KOREA Korea", (("korea",),), ()),
        ("  spaced   out  ", (("spaced",), ("out",)), ()),
        ("don't", (("don't",),), ()),
        ("м’ясо", (("м'ясо",),), ()),
        ("nato - vote", (("nato",), ("vote",)), ()),
        ('nato ""', (("nato",),), ()),
        ("foo_bar", (("foo", "bar"),), ()),
    ],
)
def test_parse(text: str, required: Terms, excluded: Terms) -> None:
    assert parse_query(text) == Query(required, excluded)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", keywords.EMPTY),
        ("   ", keywords.EMPTY),
        ("!!! ...", keywords.EMPTY),
        ("-sport", keywords.ONLY_EXCLUSIONS),
        ('-sport -"air show"', keywords.ONLY_EXCLUSIONS),
        ("x" * 101, keywords.TOO_LONG),
        ("ﬃ" * 40, keywords.TOO_LONG),
        (" ".join(f"w{i}" for i in range(11)), keywords.TOO_MANY_TERMS),
        ('"Kim Jong Un', keywords.UNBALANCED_QUOTE),
        ("nato -«air", keywords.UNBALANCED_QUOTE),
        ("sport -sport", keywords.CONTRADICTION),
        ('"kim jong un" -jong', keywords.CONTRADICTION),
    ],
)
def test_parse_refuses(text: str, reason: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    assert raised.value.reason == reason
    assert isinstance(raised.value, ValueError)


def test_limits_are_inclusive() -> None:
    assert parse_query("x" * 100).required == (("x" * 100,),)
    assert len(parse_query(" ".join(f"w{i}" for i in range(10))).required) == 10


def test_text_is_canonical() -> None:
    query = parse_query("«Kim  Jong Un» -Sport -“Air Show” NATO")
    assert query.text() == '"kim jong un" nato -sport -"air show"'
    assert parse_query(query.text()) == query


def test_all_words_must_appear() -> None:
    assert matches("North Korea", "North Korea fires missile") == "north"
    assert matches("North Korea", "Korea in the south") is None
    assert matches("North Korea", "Korea", "news from the north") == "north"


def test_phrase_words_must_be_consecutive_in_one_text() -> None:
    query = '"Kim Jong Un"'
    assert matches(query, "Meeting with Kim Jong Un today") == "kim jong un"
    assert matches(query, "Kim Jong-Un speaks") == "kim jong un"
    assert matches(query, "Kim met Jong Un") is None
    assert matches(query, "Talks with Kim", "Jong Un said") is None


def test_exclusion() -> None:
    assert matches('"Kim Jong Un" -sport', "Kim Jong Un visits factory") == "kim jong un"
    assert matches('"Kim Jong Un" -sport', "Kim Jong Un watches sport") is None
    assert matches('nato -"air show"', "NATO air show", "x") is None
    assert matches('nato -"air show"', "NATO show of air power") == "nato"


def test_case_and_punctuation() -> None:
    assert matches("korea", "(KOREA): talks.") == "korea"
    assert matches("korea", "«Korea»!") == "korea"
    assert matches("korea", "Koreas") is None
    assert matches("korea", "south-korea") == "korea"
    assert matches("straße", "STRASSE closed") == "straße".casefold()


def test_cyrillic_whole_words_and_no_stemming() -> None:
    assert matches("Зеленський", "ЗЕЛЕНСЬКИЙ: заява") == "зеленський"
    assert matches("Київ", "Атака на Київ") == "київ"
    # No stemming: an inflected form is another word ("у Києві" is not "Київ").
    assert matches("Київ", "Вибухи у Києві") is None
    assert matches("Київ", "Ки́їв уночі") == "київ"


def test_apostrophes() -> None:
    for spelling in ("м'ясо", "м’ясо", "мʼясо"):
        assert matches("м'ясо", f"Ціни на {spelling} зросли") == "м'ясо"
    assert matches("don't", "I don’t know") == "don't"
    assert matches("don", "I don't know") is None
    assert matches("quoted", "a 'quoted' word") == "quoted"


def test_digits_and_underscores() -> None:
    assert matches("covid-19", "COVID 19 cases") == "covid 19"
    assert matches("g7", "The G7 summit") == "g7"
    assert matches("g7", "G 7") is None
    assert tokens("snake_case 2024") == ("snake", "case", "2024")


def test_combining_marks_stay_in_the_word() -> None:
    assert tokens("हिन्दी समाचार") == ("हिन्दी", "समाचार")
    assert tokens("cafe\u0301") == ("café",)


def test_one_article_many_queries() -> None:
    words = article_words(["Kim Jong Un meets Putin", "Talks in Pyongyang"])
    assert match(parse_query("putin"), words) == "putin"
    assert match(parse_query('"meets putin" pyongyang'), words) == "meets putin"
    assert match(parse_query("putin -talks"), words) is None
    assert match(Query(()), words) is None


def test_empty_article() -> None:
    assert matches("korea") is None
    assert matches("korea", "", "") is None


# Any text at all, including quotes, minus signs and every kind of Unicode.
queries = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(list("\"“”«»„-' ’ʼ"))), max_size=120
)


@given(queries)
def test_parse_raises_only_query_error(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as error:
        assert error.reason in {
            keywords.EMPTY,
            keywords.ONLY_EXCLUSIONS,
            keywords.TOO_LONG,
            keywords.TOO_MANY_TERMS,
            keywords.UNBALANCED_QUOTE,
            keywords.CONTRADICTION,
        }


@given(queries)
def test_text_round_trips(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    assert parse_query(query.text()) == query
    assert len(query.text()) <= keywords.MAX_CHARS


@given(queries, st.lists(st.text(), max_size=4))
def test_match_never_raises(text: str, texts: list[str]) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    found = match(query, article_words(texts))
    assert found is None or found == " ".join(query.required[0])


@given(st.text(min_size=1), st.data())
def test_words_from_a_text_match_it(text: str, data: st.DataObject) -> None:
    words = tokens(text)
    if not words:
        return
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, min(len(words), start + 4)))
    query = Query(required=(words[start:end], *((w,) for w in words[:3])))
    assert match(query, article_words([text])) == " ".join(words[start:end])


@given(st.text())
def test_tokens_are_stable(text: str) -> None:
    for word in tokens(text):
        assert tokens(word) == (word,)
