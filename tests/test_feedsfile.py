import pytest

from bot.settings import BUNDLED_FEEDS
from news.feedsfile import FeedsFileError, parse_feeds_file

GOOD = """\
[topics]
Politics = ["politics", "політика"]
World = ["world"]

[[feeds]]
url = "https://example.org/politics.xml"
topics = ["politics"]

[[feeds]]
url = "https://example.org/all.xml"
"""


def test_feeds_and_topics_are_read() -> None:
    parsed = parse_feeds_file(GOOD)
    assert parsed.vocabulary.names == ("Politics", "World")
    assert [feed.url for feed in parsed.feeds] == [
        "https://example.org/politics.xml",
        "https://example.org/all.xml",
    ]
    # An alias in the feed's topics is stored as its canonical name.
    assert parsed.feeds[0].topics == ("Politics",)
    assert parsed.feeds[1].topics == ()


def test_unknown_topic_names_its_line() -> None:
    text = GOOD + '\n[[feeds]]\nurl = "https://example.org/x.xml"\ntopics = ["World", "Sport"]\n'
    with pytest.raises(FeedsFileError) as error:
        parse_feeds_file(text, source="feeds.toml")
    message = str(error.value)
    assert "feeds.toml, line 14" in message
    assert "'Sport'" in message
    assert "Politics, World" in message


def test_broken_toml_names_its_line() -> None:
    with pytest.raises(FeedsFileError, match="line 2"):
        parse_feeds_file("[topics]\nPolitics = \n", source="feeds.toml")


def test_a_feed_without_url_or_with_a_bad_scheme_is_refused() -> None:
    with pytest.raises(FeedsFileError, match="line 1: each"):
        parse_feeds_file("[[feeds]]\ntopics = []\n")
    with pytest.raises(FeedsFileError, match="not an http"):
        parse_feeds_file('[[feeds]]\nurl = "file:///etc/passwd"\n')


def test_duplicate_feed_is_refused() -> None:
    text = '[[feeds]]\nurl = "https://a.example/x"\n[[feeds]]\nurl = "https://a.example/x"\n'
    with pytest.raises(FeedsFileError, match="listed twice"):
        parse_feeds_file(text)


def test_the_bundled_feeds_file_has_politics_and_world_feeds() -> None:
    parsed = parse_feeds_file(BUNDLED_FEEDS.read_text(encoding="utf-8"))
    assert {"Politics", "World"} <= set(parsed.vocabulary.names)
    topics = {topic for feed in parsed.feeds for topic in feed.topics}
    assert topics == {"Politics", "World"}
    assert all(feed.url.startswith("https://") for feed in parsed.feeds)


def test_key_point_labels_and_the_page_fetch_are_read_per_feed() -> None:
    text = (
        GOOD
        + '\n[[feeds]]\nurl = "https://example.org/teasers.xml"\n'
        + 'labels = ["Summary", " Підсумки ", "Summary"]\nfetch_article = true\n'
    )
    parsed = parse_feeds_file(text)
    assert parsed.feeds[2].labels == ("Summary", "Підсумки")
    assert parsed.feeds[2].fetch_article is True
    # Off unless asked for; no extra labels unless given.
    assert (parsed.feeds[0].labels, parsed.feeds[0].fetch_article) == ((), False)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('labels = "Summary"', "line 15: labels for .* must be a list of strings"),
        ("labels = [1, 2]", "line 15: labels for .* must be a list of strings"),
        ('labels = ["  "]', "line 15: an empty label"),
        ('fetch_article = "yes"', "line 15: fetch_article for .* must be true or false"),
        ("fetch_article = 1", "line 15: fetch_article for .* must be true or false"),
    ],
)
def test_wrong_key_point_settings_name_their_line(setting: str, message: str) -> None:
    text = GOOD + f'\n[[feeds]]\nurl = "https://example.org/x.xml"\ntopics = ["World"]\n{setting}\n'
    with pytest.raises(FeedsFileError, match=f"feeds.toml, {message}"):
        parse_feeds_file(text, source="feeds.toml")
