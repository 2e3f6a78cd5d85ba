"""/settings buttons and the commands behind them (/mode, /digest_time, /timezone, /quiet): every
change is stored, confirmed in place or in a reply, and shown by /settings afterwards; wrong
arguments get the usage and an example."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.preferences import change_of, min_outlets_of
from news.buttons import Setting, decode_as
from news.records import Layout, Picture
from tests.chatting import buttons, press, say, text_of
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import newsroom

ANN, OLES = 3201, 3202


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_every_button_is_stored_and_confirmed_in_place(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}):
        menu = await say(telegram, ANN, "/settings", "Settings")
        assert "Delivery: each article as it comes" in menu.text
        assert "Quiet hours: off" in menu.text and "Picture: off" in menu.text
        assert "Layout: full (topics, headline, date, key points, source)" in menu.text
        assert buttons(telegram, ANN, menu.message_id)["st:mode:instant"] == "✓ ⚡ Instant"
        sent = len(telegram.messages_to(ANN))

        presses = {
            "st:mode:digest": "Delivery: digests at 08:00, 19:00",
            "st:dt:0700-1200-1900": "Digest times: 07:00, 12:00, 19:00",
            "st:tz:Europe/Kyiv": "Time zone: Europe/Kyiv",
            "st:q:2200-0700": "Quiet hours: 22:00-07:00, alerts held for a digest",
            "st:qm:silent": "Quiet hours: 22:00-07:00, alerts sent silently",
            "st:ly:compact": "Layout: compact (the linked headline and its source on one line)",
            "st:lp:large": "Picture: large, above the text",
        }
        for data, shown in presses.items():
            answer = await press(telegram, ANN, menu.message_id, data)
            assert answer["text"] == "✅ Saved"
            assert shown in text_of(telegram, ANN, menu.message_id)
            assert buttons(telegram, ANN, menu.message_id)[data].startswith("✓ ")
        # The same value again: nothing to redraw, still answered.
        assert (await press(telegram, ANN, menu.message_id, "st:lp:large"))["text"] == "✅ Saved"
        # "Link previews on" under a menu sent before the picture setting: a small picture.
        old = await press(telegram, ANN, menu.message_id, "st:lp:on", check_button=False)
        assert old["text"] == "✅ Saved"
        assert "Picture: small, beside the text" in text_of(telegram, ANN, menu.message_id)
        assert buttons(telegram, ANN, menu.message_id)["st:lp:small"] == "✓ 🖼 Small"

        answer = await press(telegram, ANN, menu.message_id, "st:lang:uk")
        assert answer["text"] == "✅ Збережено"
        assert text_of(telegram, ANN, menu.message_id).startswith("Налаштування")
        assert len(telegram.messages_to(ANN)) == sent  # all of it in the one message

        again = await say(telegram, ANN, "/settings", "Налаштування")
        for line in (
            "Доставка: дайджести о 07:00, 12:00, 19:00",
            "Часовий пояс: Europe/Kyiv",
            "Тихі години: 22:00-07:00, новини без звуку",
            "Мова: Українська",
            "Вигляд: компактно (заголовок-посилання і джерело в один рядок)",
            "Зображення: мале, поруч із текстом",
        ):
            assert line in again.text
        await say(telegram, ANN, "/help", "Що я вмію")

        forged_data = ("st:tz:Mars/Base", "st:lang:xx", "st:mode:", "st:dt:2500", "st:zz:1")
        for forged in (*forged_data, "st:ly:tiny", "st:lp:huge"):
            answer = await press(telegram, ANN, menu.message_id, forged, check_button=False)
            assert answer["text"].startswith("Ця кнопка застаріла")


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_commands_validate_and_explain(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}):
        usage = await say(telegram, ANN, "/mode", "How should news arrive?")
        assert "/mode digest" in usage.text
        await say(telegram, ANN, "/mode weekly", "How should news arrive?")
        reply = await say(telegram, ANN, "/mode DIGEST", "digests at")
        assert reply.text.startswith("✅ News now arrives in digests at 08:00, 19:00 (UTC)")

        wrong = await say(telegram, ANN, "/digest_time 25:00", "is not a time of day")
        assert (
            "“25:00” is not a time of day." in wrong.text
            and "/digest_time 08:00 19:00" in wrong.text
        )
        await say(telegram, ANN, "/digest_time", "When should digests arrive?")
        many = await say(telegram, ANN, "/digest_time 1 2 3 4 5 6 7", "more than 6 times")
        assert "/digest_time 08:00 19:00" in many.text
        set_times = await say(telegram, ANN, "/digest_time 7pm 07:30", "Digests at")
        assert set_times.text == "✅ Digests at 07:30, 19:00 (UTC)."

        typo = await say(telegram, ANN, "/timezone Kyvi", "I don't know the time zone")
        assert "Did you mean Kyiv?" in typo.text and "/timezone UTC+3" in typo.text
        await say(telegram, ANN, "/timezone", "Which time zone?")
        zone = await say(telegram, ANN, "/timezone Київ", "Time zone")
        assert zone.text.startswith("✅ Time zone: Europe/Kyiv (it is ")
        offset = await say(telegram, OLES, "/timezone utc+3", "Time zone")
        assert offset.text.startswith("✅ Time zone: UTC+03:00")

        await say(telegram, ANN, "/quiet", "Send the quiet hours")
        await say(telegram, ANN, "/quiet 23:00-23:00", "different start and end")
        await say(telegram, ANN, "/quiet soon", "is not a")
        quiet = await say(telegram, ANN, "/quiet 23:00 - 07:00 silent", "Quiet hours")
        assert (
            quiet.text == "✅ Quiet hours 23:00-07:00 (Europe/Kyiv): alerts arrive without a sound."
        )

        shown = await say(telegram, ANN, "/settings", "Settings")
        for line in (
            "Delivery: digests at 07:30, 19:00",
            "Time zone: Europe/Kyiv",
            "Quiet hours: 23:00-07:00, alerts sent silently",
        ):
            assert line in shown.text
        assert buttons(telegram, ANN, shown.message_id)["st:tz:Europe/Kyiv"] == "✓ Kyiv"

        await say(telegram, ANN, "/quiet off", "Quiet hours are off")
        await say(telegram, ANN, "/mode instant", "as soon as it is found")
        shown = await say(telegram, ANN, "/settings", "Settings")
        assert "Quiet hours: off" in shown.text and "each article as it comes" in shown.text


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_a_ukrainian_user_is_answered_in_ukrainian(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}):
        hello = await say(telegram, OLES, "/start", "Привіт", language_code="uk")
        assert "/subscribe Politics" in hello.text
        await say(telegram, OLES, "/subscribe політика", "Тепер ви стежите", language_code="uk")
        await say(telegram, OLES, "/frobnicate", "Я не знаю такої команди", language_code="uk")
        await say(telegram, OLES, "/timezone Кийв", "Я не знаю часового поясу", language_code="uk")
        # The values are typed as the user says them, not only in English.
        await say(telegram, OLES, "/mode дайджестом", "дайджестами о 08:00", language_code="uk")
        quiet = await say(telegram, OLES, "/quiet 23:00-07:00 тихо", "Тихі", language_code="uk")
        assert "без звуку" in quiet.text
        await say(telegram, OLES, "/mode одразу", "щойно її знайдено", language_code="uk")
        # An English speaker in the same bot still reads English.
        await say(telegram, ANN, "/start", "Hi, Ann!")
        menu = await say(telegram, OLES, "/settings", "Налаштування", language_code="uk")
        await press(telegram, OLES, menu.message_id, "st:lang:en")
        assert text_of(telegram, OLES, menu.message_id).startswith("Settings")
        await say(telegram, OLES, "/help", "What I can do", language_code="uk")

    menus = telegram.commands
    english = {c["command"]: c["description"] for c in menus[("default", "")]}
    ukrainian = {c["command"]: c["description"] for c in menus[("default", "uk")]}
    assert english.keys() == ukrainian.keys()
    assert english["help"] == "Every command, one line each"
    assert ukrainian["help"] == "Усі команди, по рядку на кожну"


def test_settings_data_is_only_the_offered_values() -> None:
    languages = ("en", "uk")

    def parse_data(data: str, languages: tuple[str, ...]) -> dict[str, object] | None:
        setting = decode_as(data, Setting)
        return change_of(setting, languages) if setting else None

    assert parse_data("st:dt:0800-1900", languages) == {"digest_times": ("08:00", "19:00")}
    assert parse_data("st:q:off", languages) == {"quiet": None}
    assert parse_data("st:lp:off", languages) == {"picture": Picture.OFF}
    assert parse_data("st:lp:large", languages) == {"picture": Picture.LARGE}
    assert parse_data("st:lp:on", languages) == {"picture": Picture.SMALL}  # an older menu's
    assert parse_data("st:ly:compact", languages) == {"layout": Layout.COMPACT}
    assert parse_data("st:ly:on", languages) is None
    assert parse_data("st:lang:de", languages) is None
    assert parse_data("st:big:off", languages) == {"min_outlets": None}
    assert parse_data("st:big:2", languages) == {"min_outlets": 2}
    assert parse_data("st:big:5", languages) == {"min_outlets": 5}
    assert parse_data("st:big:1", languages) is None
    assert parse_data("st:big:6", languages) is None
    assert parse_data("st:mode:digest:extra", languages) is None


def test_bigstories_reads_a_number_of_outlets_or_off_in_any_interface_language() -> None:
    read = {word: min_outlets_of(word) for word in ("2", " 5 ", "3+", "OFF", "вимк", "выкл")}
    assert read == {"2": 2, " 5 ": 5, "3+": 3, "OFF": None, "вимк": None, "выкл": None}
    for wrong in ("1", "6", "0", "-3", "2.5", "three", "3 4", "٣", "+", ""):
        assert min_outlets_of(wrong) is False, wrong
