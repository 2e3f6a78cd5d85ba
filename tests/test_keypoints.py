"""Key points as a reader of the alert sees them: the publisher's list, else telling sentences."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from news.keypoints import DEFAULT_LABELS, POINT_LIMIT, best_sentences, explicit_points, key_points
from news.text import plain_text
from tests.reference import Reference, reference_article, seed_article

DATA = Path(__file__).parent / "data" / "articles"
MARKUP = re.compile(r"<[A-Za-z/!?][^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
# The project's own article in the real page's layout, and the points its list holds.
OURS = (
    "The floating farm covers twelve hectares of the old dock basin and will power about 9,000 "
    "homes in the harbour district.",
    "The town council plans two more floating farms on the northern reservoirs, with the second "
    "one due to open in 2032.",
    "Boat owners who moor in the basin keep a marked channel along the eastern wall and get a "
    "refund of this year's mooring fees.",
)


def body_html(reference: Reference) -> str:
    # Lines without a full stop are the page's section headings.
    return "".join(
        f"<p>{html.escape(line)}</p>" if line.endswith(".") else f"<h2>{html.escape(line)}</h2>"
        for line in reference.body
    )


def related_html(reference: Reference) -> str:
    items = "".join(f"<li>{html.escape(line.lstrip('- '))}</li>" for line in reference.more[1:])
    return f'<aside class="related"><p>{reference.more[0]}</p><ul>{items}</ul></aside>'


def variants(reference: Reference) -> dict[str, str]:
    """The article in the markups publishers use: list under a label, in a points box, under a
    bold label, and the list flattened into text."""
    items = "".join(f"<li>{html.escape(point)}</li>" for point in reference.points)
    lead = f"<p>{html.escape(reference.date_line)}</p>"
    body, related = body_html(reference), related_html(reference)
    bullets = " ".join(f"- {point}" for point in reference.points)
    return {
        "p label": f"{lead}<p>Points of attention</p><ul>{items}</ul>{body}{related}",
        "points div": f'{lead}<div class="article__points"><div class="title">Points of attention'
        f"</div><ul>{items}</ul></div>{body}{related}",
        "strong label": f"{lead}<p><strong>Points of attention:</strong></p>\n<ul>{items}</ul>"
        f"{body}{related}",
        "raw text": reference.text,
        "text as paragraphs": "".join(
            f"<p>{html.escape(line)}</p>" for line in reference.text.splitlines()
        ),
        "one line from the label": "\n".join(
            [reference.date_line, f"Points of attention {bullets} {' '.join(reference.body)}"]
        ),
        "whole article on one line": " ".join(
            [reference.date_line, "Points of attention", bullets, *reference.body]
        ),
    }


VARIANTS = list(variants(reference_article()))


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_article_gives_exactly_its_points_of_attention(variant: str) -> None:
    reference = reference_article()
    markup = variants(reference)[variant]
    assert reference.points == OURS
    assert key_points(title=reference.headline, content_html=markup) == OURS
    assert explicit_points(markup) == OURS


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_real_page_gives_exactly_its_points_of_attention(variant: str) -> None:
    """The page the bot was designed from; its points are the ones its own list holds (its
    README: "the three points of attention", not sentences picked from the body)."""
    seed = seed_article()
    assert len(seed.points) == 3
    markup = variants(seed)[variant]
    assert key_points(title=seed.headline, content_html=markup) == seed.points
    assert explicit_points(markup) == seed.points


def test_points_in_the_summary_count_when_the_content_has_none() -> None:
    reference = reference_article()
    summary = variants(reference)["p label"]
    content = body_html(reference)
    assert key_points(title="x", content_html=content, summary_html=summary) == OURS


def test_ukrainian_list_under_a_bold_label() -> None:
    markup = (
        "<p>Уряд ухвалив нові правила бронювання працівників.</p>"
        "<p><strong>Головне:</strong></p><ul>"
        "<li>Бронювання продовжать до 1 грудня.</li>"
        "<li>Критичні підприємства подають списки через <a href='#'>«Дію»</a>.</li>"
        "<li>Зарплата заброньованих має бути не меншою за 20 тисяч гривень.</li></ul>"
        "<p>Рішення ухвалили на засіданні Кабміну в середу.</p>"
    )
    assert key_points(title="Нові правила бронювання", content_html=markup) == (
        "Бронювання продовжать до 1 грудня.",
        "Критичні підприємства подають списки через «Дію».",
        "Зарплата заброньованих має бути не меншою за 20 тисяч гривень.",
    )


def test_russian_list_inside_a_points_container() -> None:
    markup = (
        '<div class="news-points"><h3>Главное</h3><p class="hint">Коротко для тех, кто спешит</p>'
        "<div class='list'><ul><li>Цены на бензин выросли на 3%.</li>"
        "<li>Дизель подорожал сильнее всего.</li></ul></div></div>"
        "<p>Аналитики ожидают стабилизации цен к осени.</p>"
    )
    assert explicit_points(markup) == (
        "Цены на бензин выросли на 3%.",
        "Дизель подорожал сильнее всего.",
    )


def test_heading_label_with_markup_and_a_wrapped_list() -> None:
    markup = (
        "<h2>Key <em>takeaways</em></h2><div class='wrap'><ol>"
        "<li><b>Inflation</b> fell to 4.1% &amp; is expected to keep falling.</li>"
        "<li>The central bank kept its rate at 13%.</li></ol></div><p>Body text follows.</p>"
    )
    assert explicit_points(markup) == (
        "Inflation fell to 4.1% & is expected to keep falling.",
        "The central bank kept its rate at 13%.",
    )


def test_at_most_max_points_in_the_publishers_order() -> None:
    items = "".join(f"<li>Point number {n} of the list.</li>" for n in range(1, 7))
    markup = f"<h2>Key points</h2><ul>{items}</ul>"
    assert key_points(title="t", content_html=markup) == tuple(
        f"Point number {n} of the list." for n in range(1, 5)
    )
    assert len(key_points(title="t", content_html=markup, max_points=2)) == 2
    assert key_points(title="t", content_html=markup, max_points=0) == ()


def test_flattened_ukrainian_list_with_round_bullets() -> None:
    text = (
        "Головне\n• Уряд продовжив бронювання до грудня.\n• Списки подають через «Дію».\n"
        "Рішення ухвалили в середу."
    )
    assert explicit_points(text) == (
        "Уряд продовжив бронювання до грудня.",
        "Списки подають через «Дію».",
    )


def test_a_list_whose_markup_the_feed_lost_is_read_one_fact_per_point() -> None:
    """Live blogs as some Ukrainian publishers' feeds carry them: the label, then the items as
    plain sentences running on to the next paragraph. A sentence that only carries on the one
    before (a contrast, a pronoun pointing back, a short aside) stays with it."""
    text = (
        "Редакція «Вісника Долини» веде текстовий онлайн подій у громаді.  Головне на цей час  "
        "Зливи підтопили три вулиці в Яблунівці: рятувальники відкачали воду з двадцяти дворів. "
        "Селищна рада виділила 4 мільйони гривень на ремонт мосту через річку Тиху. Однак "
        "підрядника для ремонту ще не обрали. Залізниця додала два вечірні потяги до обласного "
        "центру.<p>У Яблунівці відновили подачу води.</p>"
    )
    assert explicit_points(text) == (
        "Зливи підтопили три вулиці в Яблунівці: рятувальники відкачали воду з двадцяти дворів.",
        "Селищна рада виділила 4 мільйони гривень на ремонт мосту через річку Тиху. Однак "
        "підрядника для ремонту ще не обрали.",
        "Залізниця додала два вечірні потяги до обласного центру.",
    )


def test_a_label_in_running_prose_is_not_a_list() -> None:
    text = "<p>Головне на цей час — не панікувати, кажуть рятувальники.</p><p>Далі буде.</p>"
    assert explicit_points(text) == ()


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Key points</p><ul><li>Only one item here.</li></ul>",
        "Key points\n- Only one item here.\nThen the body goes on.",
        "Що відомо\n— Це пряма мова, а не список, — сказав він.\n— І це теж.",
        "<p>The key points of the plan are listed below.</p><ul><li>One.</li><li>Two.</li></ul>",
        "<p>Summary</p><ul><li>Not a default label.</li><li>So not a list.</li></ul>",
    ],
)
def test_what_is_not_a_labelled_list(markup: str) -> None:
    assert explicit_points(markup) == ()


def test_labels_are_configurable() -> None:
    markup = "<p>Summary</p><ul><li>First point of the day.</li><li>Second point.</li></ul>"
    assert explicit_points(markup, labels=("Summary",)) == (
        "First point of the day.",
        "Second point.",
    )
    assert explicit_points(markup, labels=()) == ()


BODY = (
    "<p>The city council approved a new budget for public transport on Thursday.</p>"
    "<p>Fares will stay at 8 hryvnias until the end of the year, the council said.</p>"
    "<p>Sixty new trolleybuses are due to arrive from Lutsk by the autumn.</p>"
)


@pytest.mark.parametrize(
    "furniture",
    [
        "<aside class='related'><p>Key points</p><ul><li>Other story one.</li>"
        "<li>Other story two.</li></ul></aside>",
        "<nav><h3>Highlights</h3><ul><li>Sport section.</li><li>Culture section.</li></ul></nav>",
        "<footer><p>Key points</p><ul><li>Footer one.</li><li>Footer two.</li></ul></footer>",
        "<div class='latest-news'><h3>Головне</h3><ul><li>Новина один.</li>"
        "<li>Новина два.</li></ul></div>",
        "<div id='ShareMenu'><b>In brief</b><ul><li>Share on X.</li><li>Share by mail.</li></ul>"
        "</div>",
    ],
)
def test_lists_in_site_furniture_are_not_the_articles_points(furniture: str) -> None:
    markup = furniture + BODY
    assert explicit_points(markup) == ()
    assert key_points(title="Kyiv transport budget", content_html=markup) == (
        "The city council approved a new budget for public transport on Thursday.",
        "Fares will stay at 8 hryvnias until the end of the year, the council said.",
        "Sixty new trolleybuses are due to arrive from Lutsk by the autumn.",
    )


def assert_readable(points: tuple[str, ...]) -> None:
    assert len(set(points)) == len(points), "duplicate points"
    for point in points:
        assert point.strip() == point and point
        assert len(point) <= POINT_LIMIT
        assert MARKUP.search(point) is None, point


def test_english_article_gives_its_telling_sentences() -> None:
    title = "Kyiv reopens the Podilskyi bridge to traffic after two years of repairs"
    markup = (DATA / "bridge_en.html").read_text(encoding="utf-8")
    points = key_points(title=title, content_html=markup)
    assert points == (
        "The crossing links the Podil and Troieshchyna districts and is expected to carry about "
        "40,000 cars a day.",
        "The repairs cost 1.2 billion hryvnias, most of it paid from the city budget.",
        "Heavy trucks over 20 tonnes will remain banned from the bridge until the spring "
        "inspection.",
    )
    assert_readable(points)
    assert not any("reported by" in point or "“" in point for point in points)
    text = plain_text(markup)
    assert [text.index(point) for point in points] == sorted(text.index(p) for p in points)


def test_ukrainian_article_gives_its_telling_sentences() -> None:
    title = "Укренерго скасувало відключення світла в більшості областей"
    markup = (DATA / "power_uk.html").read_text(encoding="utf-8")
    points = key_points(title=title, content_html=markup)
    assert points == (
        "Відключення залишаються лише на Харківщині та Сумщині, де тривають обстріли "
        "енергетичних об'єктів.",
        "Споживачів просять не вмикати потужні електроприлади з 18:00 до 22:00, коли "
        "навантаження на мережу найбільше.",
        "Нагадаємо, минулого тижня через атаку дронів без світла залишалися понад 200 тисяч "
        "родин на Одещині.",
    )
    assert_readable(points)
    assert not any(point.startswith(("Про це", "—", "Укренерго скасувало")) for point in points)


def test_russian_attribution_and_quotes_are_skipped() -> None:
    text = (
        "В Одессе открыли новый морской вокзал после реконструкции.\n"
        "Об этом сообщил мэр города в своем телеграм-канале.\n"
        "«Это лучший вокзал на всем побережье», — сказал он журналистам.\n"
        "Реконструкция длилась три года и стоила 800 миллионов гривен.\n"
        "Как сообщает пресс-служба, первые лайнеры придут в мае.\n"
        "Вокзал сможет принимать до трех тысяч пассажиров в день."
    )
    assert best_sentences(text, title="Морской вокзал Одессы") == (
        "В Одессе открыли новый морской вокзал после реконструкции.",
        "Реконструкция длилась три года и стоила 800 миллионов гривен.",
        "Вокзал сможет принимать до трех тысяч пассажиров в день.",
    )


def test_lead_sentences_fill_in_when_paragraphs_are_few() -> None:
    text = (
        "The storm closed three ports on the Black Sea coast. Ferries to Odesa were cancelled. "
        "The navy moved its ships out to sea.\n"
        "Forecasters expect the wind to calm down by Sunday evening."
    )
    assert best_sentences(text, title="Storm in the Black Sea") == (
        "The storm closed three ports on the Black Sea coast.",
        "Ferries to Odesa were cancelled.",
        "Forecasters expect the wind to calm down by Sunday evening.",
    )
    assert best_sentences(text, title="x", count=1) == (
        "The storm closed three ports on the Black Sea coast.",
    )
    assert best_sentences(text, title="x", count=0) == ()


def test_headline_repeats_duplicates_and_short_lines_are_not_points() -> None:
    text = (
        "Parliament passes the 2025 state budget in the final reading.\n"
        "Read more.\n"
        "Defence gets the largest share, almost half of all spending.\n"
        "Defence gets the largest share, almost half of all spending.\n"
        "Teachers will get a pay rise of 20 percent from January."
    )
    assert best_sentences(text, title="Parliament passes the 2025 state budget") == (
        "Defence gets the largest share, almost half of all spending.",
        "Teachers will get a pay rise of 20 percent from January.",
    )


def test_a_very_long_sentence_is_shortened() -> None:
    sentence = "The committee " + "heard evidence from many witnesses and " * 12 + "then adjourned."
    (point,) = best_sentences(sentence, title="t", count=3)
    assert len(point) <= POINT_LIMIT and point.endswith("...")
    assert sentence.startswith(point.removesuffix("..."))


def test_the_summary_is_the_last_resort() -> None:
    summary = "<p>Live updates from the EU summit in Brussels</p>"
    assert key_points(title="EU summit: live", summary_html=summary) == (
        "Live updates from the EU summit in Brussels",
    )
    explained = "<p>The minister explained the new tax rules in a short video interview.</p>"
    assert key_points(
        title="New tax rules", content_html="<p>Watch the video</p>", summary_html=explained
    ) == ("The minister explained the new tax rules in a short video interview.",)


def test_a_summary_that_only_repeats_the_title_is_no_point() -> None:
    title = "Kyiv reopens the Podilskyi bridge"
    assert key_points(title=title, summary_html=f"<p>{title}</p>") == ()
    assert key_points(title=title, summary_html="Kyiv reopens the Podilskyi bridge!") == ()


@pytest.mark.parametrize("empty", ["", "   ", "<p></p>", "<div><br/></div>", "<!-- x -->"])
def test_nothing_in_gives_nothing_out(empty: str) -> None:
    assert key_points(title="Headline", content_html=empty, summary_html=empty) == ()
    assert key_points(title="", content_html=empty) == ()


HOSTILE = [
    "<script>alert('x')</script><p>Fish &amp; chips are back on the menu in Brighton today.</p>",
    "<p>Key points</p><ul><li><script>steal()</script>Point &lt;b&gt;one&lt;/b&gt; here."
    "<li>Point <b>two <i>unclosed here.</ul>",
    "<p>unclosed <b>bold and <i>italic text in a paragraph that never ends",
    "&amp;amp; &lt;p&gt;escaped markup shown as text &lt;/p&gt; in a sentence here.",
    "<p>" + "A long sentence about nothing in particular. " * 2300 + "</p>",
    "Plain text line that goes on and on. " * 2800,
    "<p>🙂 Emoji lead 👩‍👩‍👧 with family emoji in the opening sentence here. 🇺🇦 Flag follows.</p>",
    "<p dir='rtl'>هذه جملة عربية طويلة بما يكفي لتكون نقطة رئيسية في المقال.</p>"
    "<p>זהו משפט בעברית שהוא ארוך מספיק כדי להיות נקודה.</p>",
    "\x00<p>Control\x07 characters \x1b inside a sentence that is long enough.</p>",
    "<div>" * 3000 + "Deep nesting with a sentence that is long enough to count." + "</div>" * 3,
    "<p>Key points - first flattened item here. - second item. - </p>",
    '<?xml version="1.0" encoding="utf-8"?><p>After an XML declaration, a sentence here.</p>',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_never_raises_and_leaves_no_markup(hostile: str) -> None:
    for points in (
        key_points(title="Headline", content_html=hostile),
        key_points(title="Headline", summary_html=hostile),
        explicit_points(hostile),
        best_sentences(plain_text(hostile), title="Headline"),
    ):
        assert_readable(points)
        assert not any("alert" in point or "steal" in point for point in points)


def test_markup_escaped_twice_is_still_no_markup() -> None:
    assert key_points(title="t", content_html=HOSTILE[1]) == (
        "Point one here.",
        "Point two unclosed here.",
    )


def test_default_labels_cover_the_three_languages() -> None:
    assert {"Points of attention", "Головне", "Главное", "Key takeaways"} <= set(DEFAULT_LABELS)


def fifty_kilobyte_page(reference: Reference, *, with_list: bool) -> str:
    menu = "".join(f"<li><a href='/s{n}' class='menu-link'>Section {n}</a></li>" for n in range(40))
    points = "".join(f"<li>{html.escape(point)}</li>" for point in reference.points)
    listed = f"<div class='points'><p>Points of attention</p><ul>{points}</ul></div>"
    paragraphs = "".join(
        f"<p class='article__text' data-id='{n}'><a href='/tag/{n}' class='inline-link'>"
        f"{html.escape(first)}</a> <span>{html.escape(rest)}</span></p>"
        for n, (first, _, rest) in enumerate(line.partition(" ") for line in reference.body * 30)
    )
    page = (
        f"<html><head><script>{'var x = 1;' * 200}</script></head><body>"
        f"<nav class='menu'><ul>{menu}</ul></nav><article><h1>{reference.headline}</h1>"
        f"{listed if with_list else ''}{paragraphs}</article>{related_html(reference)}"
        "</body></html>"
    )
    assert len(page) >= 50_000
    return page


@pytest.mark.parametrize("with_list", [True, False])
def test_a_fifty_kilobyte_page_with_menus_and_scripts_still_yields_its_points(
    with_list: bool,
) -> None:
    # Speed is measured by bench/, never asserted here.
    reference = reference_article()
    points = key_points(
        title=reference.headline, content_html=fifty_kilobyte_page(reference, with_list=with_list)
    )
    assert len(points) == 3
    assert (points == reference.points) is with_list


@pytest.mark.parametrize(
    ("title", "text", "kept"),
    [
        (
            "Рада ухвалила бюджет на 2025 рік",
            "Верховна Рада ухвалила державний бюджет на 2025 рік.\n"
            "Про це повідомив народний депутат Ярослав Железняк.\n"
            "«Це бюджет війни», — заявив прем'єр-міністр.\n"
            "На оборону спрямують майже половину всіх видатків держави.",
            "На оборону спрямують майже половину всіх видатків держави.",
        ),
        (
            "Госдума приняла бюджет на 2025 год",
            "Госдума приняла федеральный бюджет на 2025 год.\n"
            "Об этом сообщил председатель комитета по бюджету.\n"
            "— Это бюджет развития, — сказал он журналистам.\n"
            "Расходы на здравоохранение вырастут на двенадцать процентов.",
            "Расходы на здравоохранение вырастут на двенадцать процентов.",
        ),
        (
            "Parliament passes the 2025 budget",
            "Parliament has passed the 2025 budget.\n"
            "This was reported by the speaker's office.\n"
            '"It is a budget for the war," the prime minister said.\n'
            "Defence gets almost half of all state spending next year.",
            "Defence gets almost half of all state spending next year.",
        ),
    ],
)
def test_headline_repeats_attribution_and_quotes_are_dropped_in_each_language(
    title: str, text: str, kept: str
) -> None:
    assert best_sentences(text, title=title) == (kept,)


@pytest.mark.parametrize("word", ["засідання ", "заседание ", "meeting "])
def test_long_points_are_cut_at_a_word_in_each_language(word: str) -> None:
    sentence = "Перше " + word * 60 + "кінець."
    (point,) = best_sentences(sentence, title="t")
    assert len(point) <= POINT_LIMIT and point.endswith(word.strip() + "...")
    assert sentence.startswith(point.removesuffix("..."))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "The Valley Herald runs a live blog of the floods; read it here.\n"
            "This story will be updated.\n"
            "Rescuers pumped the water out of twenty flooded yards overnight.",
            "Rescuers pumped the water out of twenty flooded yards overnight.",
        ),
        (
            "«Вісник Долини» веде текстовий онлайн усіх подій повені.\n"
            "Попередні новини читайте тут, відео — на нашому каналі.\n"
            "Наша редакція слідкує за всіма подіями, що відбуваються в громаді.\n"
            "Рятувальники за ніч відкачали воду з двадцяти підтоплених дворів.",
            "Рятувальники за ніч відкачали воду з двадцяти підтоплених дворів.",
        ),
        (
            "Редакция ведёт текстовый онлайн о событиях дня.\n"
            "Информация обновляется.\n"
            "Спасатели за ночь откачали воду из двадцати подтопленных дворов.",
            "Спасатели за ночь откачали воду из двадцати подтопленных дворов.",
        ),
    ],
    ids=["en", "uk", "ru"],
)
def test_the_publishers_notes_on_its_own_coverage_are_never_points(text: str, kept: str) -> None:
    assert best_sentences(text, title="Day 12 of the floods") == (kept,)
