"""Plain text from publisher HTML, shortening and sentence splitting, as a reader sees them."""

from __future__ import annotations

import re

import pytest

from news.text import first_sentence, normalise_space, plain_text, sentences, shorten

MARKUP = re.compile(r"<[A-Za-z/!?][^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)


def test_tags_go_and_blocks_become_lines() -> None:
    markup = (
        "<h1>Title</h1><p>Hello <b>big</b> <a href='#'>world</a>.</p>"
        "<p>Two<br>Three</p><ul><li>First</li><li>Second</li></ul><div>Last</div>"
    )
    assert plain_text(markup) == "Title\nHello big world.\nTwo\nThree\nFirst\nSecond\nLast"


def test_entities_are_decoded() -> None:
    assert plain_text("<p>Fish &amp; chips &lt;3&nbsp;times &#8217;s &quot;x&quot;</p>") == (
        'Fish & chips <3 times ’s "x"'
    )


def test_whitespace_collapses_and_blank_lines_go() -> None:
    markup = "<div><p>  a \n\t b  </p>\n\n<p></p><p> &nbsp; </p><p>c</p></div>"
    assert plain_text(markup) == "a b\nc"


def test_table_rows_are_lines_and_cells_are_words() -> None:
    markup = "<table><tr><th>City</th><td>Kyiv</td></tr><tr><td>Lviv</td></tr></table>"
    assert plain_text(markup) == "City Kyiv\nLviv"


def test_scripts_styles_and_comments_leave_no_text() -> None:
    markup = (
        "<style>p { color: red }</style><p>a<script>alert('x')</script>b<!-- secret -->c</p>"
        "<noscript>Enable JavaScript</noscript><template><p>hidden</p></template>"
    )
    assert plain_text(markup) == "abc"


def test_a_whole_page_gives_its_body_text() -> None:
    page = "<html><head><title>Site</title></head><body><p>Body text</p></body></html>"
    assert plain_text(page) == "Body text"


def test_broken_markup_keeps_its_words() -> None:
    assert plain_text("<p>unclosed <b>bold <i>both") == "unclosed bold both"
    assert plain_text("</p></div>stray closers<p>") == "stray closers"


def test_plain_text_keeps_its_own_lines() -> None:
    assert plain_text("Line one\r\n\r\n   Line   two  \n") == "Line one\nLine two"
    assert plain_text("a < b &amp; c > d") == "a < b & c > d"


@pytest.mark.parametrize("empty", ["", "   ", "\n\t", "<p></p>", "<!-- only a comment -->"])
def test_empty_input_gives_empty_text(empty: str) -> None:
    assert plain_text(empty) == ""


@pytest.mark.parametrize(
    "hostile",
    [
        "\x00<p>nul\x00 and \x07bell\x1b</p>",
        '<?xml version="1.0" encoding="utf-8"?><p>declared</p>',
        "<![CDATA[<p>cdata</p>]]><p>after</p>",
        "<div>" * 5000 + "deep" + "</div>" * 10,
        "<p title='a > b'>attribute with a bracket</p>",
        "<<<>>><p>angles</p><",
        "<p>🙂 emoji 👩‍👩‍👧 and עברית and العربية‏ text</p>",
        "<svg><script>evil()</script></svg><p>after svg</p>",
        "<p>" + "word " * 20_000 + "</p>",
    ],
)
def test_hostile_markup_never_raises_and_leaves_no_markup(hostile: str) -> None:
    text = plain_text(hostile)
    assert MARKUP.search(text) is None
    assert "\x00" not in text and "\x07" not in text
    assert "evil" not in text


def test_normalise_space_joins_lines_and_no_break_spaces() -> None:
    assert normalise_space(" a\u00a0\n b\t\tc ") == "a b c"


def test_short_text_is_left_alone() -> None:
    assert shorten("Short enough.", 20) == "Short enough."
    assert shorten("x" * 250) == "x" * 250


def test_long_text_is_cut_at_a_word_boundary_with_three_dots() -> None:
    assert shorten("The quick brown fox jumps over the lazy dog", 20) == "The quick brown..."


def test_punctuation_before_the_dots_is_dropped() -> None:
    assert shorten("Hello, world, again and again", 16) == "Hello, world..."
    assert shorten("One - two - three - four", 14) == "One - two..."


def test_default_limit_is_250() -> None:
    text = "word " * 100
    result = shorten(text)
    assert len(result) <= 250 and result.endswith("word...")


@pytest.mark.parametrize("limit", range(9, 90, 3))
def test_shortened_text_fits_and_ends_between_words(limit: int) -> None:
    text = "The town council has agreed to build two more solar farms, if the first one pays."
    result = shorten(text, limit)
    assert len(result) <= limit
    if len(text) > limit:
        kept = result.removesuffix("...")
        assert result.endswith("...") and text.startswith(kept)
        assert not text[len(kept)].isalnum(), "a word was cut in half"


def test_one_giant_word_is_cut_hard() -> None:
    assert shorten("x" * 300) == "x" * 247 + "..."
    assert shorten("abcdef", 2) == "ab"


def test_cyrillic_is_shortened_the_same_way() -> None:
    text = "Відключення залишаються лише на Харківщині та Сумщині, де тривають обстріли."
    assert shorten(text, 40) == "Відключення залишаються лише на..."


def test_sentences_in_english_ukrainian_and_russian() -> None:
    assert sentences("Dr. Smith arrived at 5 p.m. on Monday. He left on Tuesday.") == [
        "Dr. Smith arrived at 5 p.m. on Monday.",
        "He left on Tuesday.",
    ]
    assert sentences("Ціна зросла до 5,5 грн. Це рекорд року!") == [
        "Ціна зросла до 5,5 грн.",
        "Це рекорд року!",
    ]
    assert sentences("Он сказал: «Мы победим». Потом ушёл.") == [
        "Он сказал: «Мы победим».",
        "Потом ушёл.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith met Mr. Jones in the U.S. capital on Monday. They talked for an hour.",
        'He said "we won." Then he left the room quietly.',
        "No sentence end here at all",
        "Він сказав: «Ми переможемо!» Потім пішов.",
        "",
    ],
)
def test_first_sentence_agrees_with_full_splitting(text: str) -> None:
    split = sentences(text)
    assert first_sentence(text) == (split[0] if split else "")
