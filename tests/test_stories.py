"""news.stories: which story a new article joins. Every article here is invented for the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from news.signature import Signature, Text, text_of, words_of
from news.stories import Policy, StoryIndex, Telling

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# A morning of unrelated news, so that word weights mean something (IDF over what was seen).
BACKGROUND = [
    Text(
        "Storm floods coastal towns in northern Portugal",
        "Heavy rain and strong winds flooded streets in several coastal towns overnight, "
        "and firefighters rescued dozens of residents from their homes.",
    ),
    Text(
        "Central bank holds interest rates steady",
        "The bank kept its main rate unchanged on Thursday, saying inflation was slowing "
        "but remained above its target for the third year.",
    ),
    Text(
        "Local team wins the cup after penalty shootout",
        "The home side won the final on penalties after a goalless draw, their first trophy "
        "in more than twenty years.",
    ),
    Text(
        "New telescope captures images of a distant galaxy",
        "Astronomers released the first pictures taken by the instrument, which they say will "
        "help explain how early galaxies formed.",
    ),
    Text(
        "Teachers strike over pay in the capital",
        "Thousands of teachers walked out of schools on Monday, demanding a pay rise that "
        "matches the cost of living.",
    ),
    Text(
        "Airline cancels flights as pilots walk out",
        "The carrier said hundreds of flights would be cancelled during the two-day strike by "
        "its pilots, affecting tens of thousands of passengers.",
    ),
    Text(
        "Museum returns stolen paintings to owners",
        "The museum handed back four paintings that had been stolen during the war, after a "
        "long investigation into their origin.",
    ),
    Text(
        "Wildfire forces evacuation of mountain villages",
        "Firefighters battled the blaze through the night as the authorities ordered residents "
        "of five villages to leave.",
    ),
    # A politician in the news is in more than one story a day: his name alone proves little.
    Text(
        "Italian Prime Minister Marco Rossi meets German chancellor in Berlin",
        "Rossi and the chancellor discussed energy prices and migration on Monday, the Italian "
        "government said in a statement.",
    ),
    Text(
        "Opposition calls for vote of no confidence in Rossi government",
        "Italy's opposition parties said on Monday they would table a motion against Prime "
        "Minister Marco Rossi over rising energy bills.",
    ),
    Text(
        "Карантин в школах продлили ещё на неделю",
        "Власти города сообщили, что занятия в школах не возобновятся до конца месяца из-за "
        "роста заболеваемости гриппом.",
    ),
    Text(
        "Цены на бензин выросли третью неделю подряд",
        "Средняя стоимость литра топлива на заправках увеличилась, сообщили аналитики.",
    ),
    Text(
        "У Львові відкрили новий міст через річку",
        "Міська рада повідомила, що рух транспортом мостом розпочнеться вже наступного тижня.",
    ),
    Text(
        "Уряд ухвалив нову програму підтримки фермерів",
        "Кабінет міністрів виділив кошти на пільгові кредити для малих господарств.",
    ),
]


def morning(policy: Policy | None = None) -> StoryIndex:
    index = StoryIndex(policy)
    for number, text in enumerate(BACKGROUND, start=1000):
        index.add(number, "Background", text, T0)
    return index


# -- one event, two outlets ------------------------------------------------------------------------

EARTHQUAKE_A = Text(
    "Magnitude 6.8 earthquake strikes off the coast of Chile",
    "A powerful earthquake of magnitude 6.8 struck off the coast of central Chile on Tuesday, "
    "shaking buildings in Valparaiso and Santiago. Authorities issued a tsunami warning.",
)
EARTHQUAKE_B = Text(
    "Chile: strong quake shakes Valparaiso, tsunami warning issued",
    "Chilean authorities issued a tsunami warning after a 6.8 magnitude earthquake hit off "
    "the central coast, rattling buildings in Valparaiso and the capital Santiago.",
)


def stories_of(*texts: Text) -> list[int]:
    """The story of each text, filed an hour apart after the morning, each from its own outlet."""
    index = morning()
    return [
        index.add(number, f"Outlet {number}", text, T0 + timedelta(hours=number))
        for number, text in enumerate(texts, start=1)
    ]


def test_two_reports_of_one_event_from_two_outlets_join_one_story() -> None:
    index = morning()
    assert index.add(1, "Outlet A", EARTHQUAKE_A, T0 + timedelta(hours=1)) == 1
    assert index.add(2, "Outlet B", EARTHQUAKE_B, T0 + timedelta(hours=2)) == 1
    assert [telling.outlet for telling in index.story(1)] == ["Outlet A", "Outlet B"]


def test_cyrillic_reports_of_one_event_join() -> None:
    russian = (
        Text(
            "В Новосибирске загорелся склад на площади 5000 квадратных метров",
            "Пожар на складе в Новосибирске тушат более 80 спасателей, сообщили в МЧС. "
            "Площадь возгорания достигла 5000 квадратных метров.",
        ),
        Text(
            "Пожар на складе в Новосибирске охватил 5000 «квадратов»",
            "Склад загорелся в Новосибирске утром; по данным МЧС, огонь распространился на "
            "5000 квадратных метров, на месте работают 80 спасателей.",
        ),
    )
    ukrainian = (
        Text(
            "У Харкові через негоду знеструмлено 120 будинків",
            "Сильний вітер пошкодив лінії електропередач у Харкові, без світла залишилися "
            "120 будинків, повідомили в міській раді.",
        ),
        Text(
            "Негода залишила без світла 120 будинків у Харкові",
            "Через сильний вітер у Харкові пошкоджено лінії електропередач; за даними міської "
            "ради, знеструмлено 120 будинків.",
        ),
    )
    assert stories_of(*russian) == [1, 1]
    assert stories_of(*ukrainian) == [1, 1]


def test_two_events_about_one_politician_in_one_country_stay_apart() -> None:
    visit = Text(
        "Prime Minister Rossi visits flooded towns in Italy",
        "Italian Prime Minister Marco Rossi toured towns hit by floods in Emilia-Romagna on "
        "Monday and promised 2 billion euros in aid for residents.",
    )
    budget = Text(
        "Prime Minister Rossi presents Italy's budget to parliament",
        "Italian Prime Minister Marco Rossi presented the 2027 budget to parliament in Rome on "
        "Monday, promising lower taxes for families.",
    )
    # The visit shares "floods" and "towns" with the morning's Portuguese storm, not its places.
    assert stories_of(visit, budget) == [1, 2]


def test_one_template_for_two_cities_is_two_stories() -> None:
    brest = Text(
        "Погода в Бресте на 3 июня",
        "В среду в Бресте ясно, днём до +22 градусов, ветер северный, без осадков.",
    )
    gomel = Text(
        "Погода в Гомеле на 3 июня",
        "В среду в Гомеле ясно, днём до +21 градуса, ветер северный, без осадков.",
    )
    assert stories_of(brest, gomel) == [1, 2]


def test_one_template_for_two_dates_is_two_stories_though_a_lead_says_the_other_number() -> None:
    # Numbers crowd a forecast's lead: the 18th's "-8" is not the 8th's date.
    eighth = Text(
        "Какой будет погода 8 ноября",
        "В пятницу 8 ноября в городе облачно, местами небольшой снег; ночью мороз до -21, "
        "днём около -6 градусов, ветер слабый.",
    )
    eighteenth = Text(
        "Какой будет погода 18 ноября",
        "В понедельник 18 ноября в городе снегопад и метель; ночью до -19, днём от -8 до -13 "
        "градусов, ветер усилится.",
    )
    assert stories_of(eighth, eighteenth) == [1, 2]


def test_while_few_tellings_are_held_every_article_starts_its_own_story() -> None:
    # Over a handful of articles, "the" and "of" weigh like names: no story may be joined.
    index = StoryIndex()
    assert index.add(1, "Outlet A", EARTHQUAKE_A, T0) == 1
    assert index.add(2, "Outlet B", EARTHQUAKE_A, T0) == 2
    warm = morning()
    assert warm.add(1, "Outlet A", EARTHQUAKE_A, T0) == 1
    assert warm.add(2, "Outlet B", EARTHQUAKE_B, T0) == 1


def test_a_story_is_joined_only_within_its_window() -> None:
    index = morning(Policy(window=timedelta(hours=36)))
    assert index.add(1, "Outlet A", EARTHQUAKE_A, T0) == 1
    late = T0 + timedelta(hours=36, minutes=1)
    assert index.add(2, "Outlet B", EARTHQUAKE_B, late) == 2


def test_an_article_filed_twice_keeps_its_story() -> None:
    index = morning()
    index.add(1, "Outlet A", EARTHQUAKE_A, T0)
    assert index.add(1, "Outlet A", EARTHQUAKE_A, T0) == 1
    assert len(index.story(1)) == 1


# -- what the store keeps -------------------------------------------------------------------------


def kept(index: StoryIndex) -> list[Telling]:
    """The tellings as they come back from the database: signatures through their JSON."""
    return [
        Telling(t.article_id, t.story_id, t.outlet, t.at, Signature.decode(t.signature.encode()))
        for t in index.tellings()
    ]


LATER = [
    EARTHQUAKE_B,
    Text("Chile lifts tsunami warning after quake", "The warning was lifted two hours later."),
    BACKGROUND[1],
    Text("Rossi promises aid to flooded Italian towns", "The prime minister toured the region."),
]


def test_restored_after_a_restart_the_index_answers_the_same() -> None:
    live = morning()
    live.add(1, "Outlet A", EARTHQUAKE_A, T0 + timedelta(hours=1))
    restored = StoryIndex.restore(kept(live), live.policy)
    for number, text in enumerate(LATER, start=2):
        at = T0 + timedelta(hours=number)
        assert restored.add(number, "Outlet C", text, at) == live.add(number, "Outlet C", text, at)
    assert restored.tellings() == live.tellings()


def test_prune_forgets_what_is_past_the_window_beyond_the_newest_for_the_idf() -> None:
    index = morning(Policy(idf_articles=3, min_tellings=3))
    index.add(1, "Outlet A", EARTHQUAKE_A, T0 + timedelta(hours=30))
    dropped = index.prune(T0 + timedelta(hours=40))
    background = list(range(1000, 1000 + len(BACKGROUND)))
    assert dropped == background[:-2]  # the oldest first, until three are left
    assert [t.article_id for t in index.tellings()] == [*background[-2:], 1]
    assert index.add(2, "Outlet B", EARTHQUAKE_B, T0 + timedelta(hours=41)) == 1
    assert index.prune(T0 + timedelta(hours=80)) == [background[-2]]
    restored = StoryIndex.restore(kept(index), index.policy)
    assert restored.tellings() == index.tellings()
    # Story 1 began 50 hours before: closed, so a third telling starts a story of its own.
    assert index.add(3, "Outlet C", EARTHQUAKE_A, T0 + timedelta(hours=80)) == 3


def test_a_signature_survives_its_json() -> None:
    index = morning()
    index.add(1, "Outlet A", EARTHQUAKE_A, T0)
    telling = index.telling(1)
    assert telling is not None
    assert Signature.decode(telling.signature.encode()) == telling.signature
    assert "6.8" in telling.signature.marks
    assert "chile" in telling.signature.marks


def test_headline_names_and_numbers_are_marks_in_any_case_style() -> None:
    sentence_case = words_of(Text("Floods hit Valparaiso as 3,000 flee", "Rain fell."))
    assert sentence_case.marks == {"valparaiso", "3.000"}
    title_case = words_of(
        Text("Floods Hit Valparaiso As Thousands Flee", "The floods in Valparaiso grew.")
    )
    assert title_case.marks == {"valparaiso"}


def test_an_entry_without_a_summary_is_read_by_its_key_points_one_a_line() -> None:
    points = ["Fuel prices rose by a tenth in March", "Inflation reached its highest level"]
    text = text_of(" Inflation rises as fuel prices climb ", "", points)
    assert text == Text("Inflation rises as fuel prices climb", "\n".join(points))
    # "Inflation" opens a point, not a name: the headline has no names or numbers.
    assert words_of(text).marks == frozenset()
    assert text_of("Headline", " The summary. ", points) == Text("Headline", "The summary.")


# -- properties ------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "quake",
        "chile",
        "storm",
        "bank",
        "rates",
        "minister",
        "Rossi",
        "budget",
        "Харків",
        "вітер",
        "Бресте",
        "17",
        "2027",
        "fire",
    ]
)
TEXTS = st.builds(
    Text,
    st.lists(WORDS, min_size=1, max_size=6).map(" ".join),
    st.lists(WORDS, max_size=12).map(" ".join),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(TEXTS, st.integers(min_value=0, max_value=30)), min_size=1, max_size=14),
    st.integers(min_value=0, max_value=14),
    st.integers(min_value=1, max_value=6),
)
def test_restore_after_any_prune_gives_the_same_answers(
    arrivals: list[tuple[Text, int]], cut: int, idf_articles: int
) -> None:
    """Articles arrive hours apart, not always in order of their times; the bot prunes before
    each one, and restarts once from what the store kept."""
    policy = Policy(window=timedelta(hours=12), idf_articles=idf_articles)
    live, restored = StoryIndex(policy), None
    for number, (text, hours) in enumerate(arrivals):
        at = T0 + timedelta(hours=hours + 2 * number)
        dropped = live.prune(at)
        if restored is not None:
            assert restored.prune(at) == dropped
        if number == cut:
            restored = StoryIndex.restore(kept(live), policy)
        story = live.add(number, f"Outlet {number % 3}", text, at)
        assert story == number or story in {t.story_id for t in live.tellings()}
        if restored is not None:
            assert restored.add(number, f"Outlet {number % 3}", text, at) == story
            assert restored.tellings() == live.tellings()


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, max_size=8), TEXTS)
def test_a_word_for_word_copy_joins_its_story_or_an_equal_one(
    background: list[Text], text: Text
) -> None:
    index = StoryIndex(Policy(min_tellings=0))  # the property is the score's, whatever is held
    for number, other in enumerate(background):
        index.add(number, "Background", other, T0)
    first = index.add(100, "Outlet A", text, T0)
    copy = index.add(101, "Outlet B", text, T0)
    if copy == 101:
        # Precision first: a copy starts its own story only when another story fits it as well.
        assert any(
            index.story(story) and story != first
            for story in {t.story_id for t in index.tellings()}
        )
    else:
        assert copy in {t.story_id for t in index.tellings()}


@settings(max_examples=60, deadline=None)
@given(TEXTS, TEXTS)
def test_similarity_is_symmetric_and_at_most_one(a: Text, b: Text) -> None:
    index = morning()
    forward, backward = index.similarity(a, b), index.similarity(b, a)
    assert abs(forward - backward) < 1e-9
    assert -1e-5 <= forward <= 1 + 1e-5  # weights are kept to six decimals
