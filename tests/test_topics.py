from news.topics import Vocabulary, hashtag

VOCABULARY = Vocabulary.build(
    {"Politics": ["politics", "політика", "политика"], "World": ["world", "світ", "мир"]}
)


def test_names_and_aliases_resolve_case_insensitively() -> None:
    assert VOCABULARY.resolve("politics") == "Politics"
    assert VOCABULARY.resolve("  POLITICS ") == "Politics"
    assert VOCABULARY.resolve("Політика") == "Politics"
    assert VOCABULARY.resolve("МИР") == "World"
    assert VOCABULARY.resolve("Sport") is None


def test_closest_suggests_a_misspelt_topic() -> None:
    assert VOCABULARY.closest("Politcs") == "Politics"
    assert VOCABULARY.closest("wrld") == "World"
    assert VOCABULARY.closest("zzzzzz") is None


def test_topics_come_from_categories_and_the_feed() -> None:
    topics = VOCABULARY.topics_of(["Світ", "Economy"], feed_topics=["Politics"])
    assert topics == {"Politics", "World"}
    assert VOCABULARY.topics_of(["Economy"], feed_topics=[]) == frozenset()


def test_order_follows_the_vocabulary() -> None:
    assert VOCABULARY.ordered({"World", "Politics"}) == ("Politics", "World")


def test_hashtags_are_single_words() -> None:
    assert hashtag("Politics") == "#Politics"
    assert hashtag("Science & Tech") == "#Science___Tech"
    assert hashtag("Світ") == "#Світ"
