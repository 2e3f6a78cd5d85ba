"""Callback data: every button kind written and read back the same, within Telegram's 64 bytes,
in the formats buttons already in chats carry; anything else is read as nothing, never an error."""

from __future__ import annotations

from dataclasses import astuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from news import buttons
from news.buttons import (
    LATEST_MAX_COUNT,
    LATEST_MAX_OFFSET,
    AlertDrop,
    Ask,
    BroadcastChoice,
    Button,
    ChannelList,
    LatestMore,
    Manage,
    MuteList,
    MuteOutlet,
    OutletList,
    Plain,
    Save,
    SavedPage,
    Setting,
    SettingKey,
    StopChoice,
    Targeted,
    TopicToggle,
    Unmute,
    Unsave,
)
from news.topics import Vocabulary

names = st.text(min_size=1, max_size=30).filter(lambda name: not name.startswith("#"))
topic_keys = names | st.integers(min_value=0, max_value=999)
articles = st.integers(min_value=0, max_value=2**63 - 1)
menus = st.from_regex("[a-z]{1,8}", fullmatch=True)
plain: st.SearchStrategy[Plain] = st.one_of(
    st.builds(TopicToggle, st.booleans(), topic_keys),
    st.builds(Setting, st.sampled_from(SettingKey), st.text(min_size=1, max_size=20)),
    st.builds(
        LatestMore,
        st.none() | topic_keys,
        st.integers(min_value=0, max_value=LATEST_MAX_OFFSET),
        st.integers(min_value=1, max_value=LATEST_MAX_COUNT),
    ),
    st.builds(Save, articles),
    st.builds(Unsave, articles),
    st.builds(SavedPage, st.integers(min_value=0, max_value=999_999)),
    st.builds(StopChoice, st.booleans()),
    st.builds(BroadcastChoice, st.booleans(), st.integers(min_value=1, max_value=2**31 - 1)),
    st.just(ChannelList()),
    st.builds(Manage, menus),
    st.builds(Ask, menus),
    st.builds(AlertDrop, articles),
    st.just(MuteList()),
    st.just(OutletList()),
    st.builds(Unmute, articles),
    st.builds(MuteOutlet, st.text(min_size=1, max_size=40).filter(str.strip)),
)
# Telegram's chat ids: users up to 2^40, groups -1..-10^12, channels and supergroups -100...
chats = st.integers(min_value=-(2**52), max_value=2**52).filter(lambda chat: chat != 0)
values: st.SearchStrategy[Button] = plain | st.builds(Targeted, chats, plain)


@given(values)
def test_what_is_written_reads_back_the_same_or_is_refused(button: Button) -> None:
    try:
        data = buttons.encode(button)
    except ValueError:  # a name too long for 64 bytes: the keyboards use its position then
        aim = f"@{button.chat}:" if isinstance(button, Targeted) else ""
        inner = button.button if isinstance(button, Targeted) else button
        text = "".join(value for value in astuple(inner) if isinstance(value, str))
        assert len(text.encode("utf-8")) > buttons.MAX_BYTES - len(aim + "lt::1000:20")
        return
    assert len(data.encode("utf-8")) <= buttons.MAX_BYTES
    assert buttons.decode(data) == button
    assert buttons.decode_as(data, type(button)) == button


@given(
    st.text(max_size=80)
    | st.sampled_from(("tp:", "st:", "lt:", "sv:", "bc:", "stop:", "ml:", "um:", "ol:", "mo:"))
)
def test_any_string_reads_as_a_button_or_nothing(data: str) -> None:
    decoded = buttons.decode(data)
    assert decoded is None or buttons.decode(buttons.encode(decoded)) == decoded


@given(st.text(max_size=80))
def test_any_string_after_a_known_prefix_never_raises(rest: str) -> None:
    for prefix in ("tp:+:", "tp:-:", "st:mode:", "lt:", "lt:World:", "sv:", "us:", "sp:", "bc:",
                   "um:", "mo:", "ml:", "ol:"):  # fmt: skip
        buttons.decode(prefix + rest)


@pytest.mark.parametrize(
    ("data", "button"),
    [
        ("tp:+:Politics", TopicToggle(True, "Politics")),
        ("tp:-:#3", TopicToggle(False, 3)),
        ("st:mode:digest", Setting(SettingKey.MODE, "digest")),
        ("st:tz:America/New_York", Setting(SettingKey.ZONE, "America/New_York")),
        ("st:dt:0800-1900", Setting(SettingKey.DIGEST_TIMES, "0800-1900")),
        ("lt:World:10:5", LatestMore("World", 10, 5)),
        ("lt::5:5", LatestMore(None, 5, 5)),
        ("lt:#2:20:20", LatestMore(2, 20, 20)),
        ("lt:Middle: East:5:5", LatestMore("Middle: East", 5, 5)),
        ("sv:123", Save(123)),
        ("us:9", Unsave(9)),
        ("sp:10", SavedPage(10)),
        ("stop:yes", StopChoice(True)),
        ("stop:no", StopChoice(False)),
        ("bc:send:42", BroadcastChoice(True, 42)),
        ("bc:cancel:42", BroadcastChoice(False, 42)),
        ("ch:all", ChannelList()),
        ("mg:home", Manage("home")),
        ("ask:alerts", Ask("alerts")),
        ("ad:17", AlertDrop(17)),
        ("@-1001234567890:tp:+:Politics", Targeted(-1001234567890, TopicToggle(True, "Politics"))),
        ("@-42:st:lang:uk", Targeted(-42, Setting(SettingKey.LANGUAGE, "uk"))),
        ("@-1001234567890:mg:home", Targeted(-1001234567890, Manage("home"))),
        ("ml:", MuteList()),
        ("um:7", Unmute(7)),
        ("ol:", OutletList()),
        ("mo:BBC News", MuteOutlet("BBC News")),
        ("mo:Українська правда", MuteOutlet("Українська правда")),
    ],
)
def test_the_formats_buttons_in_chats_already_carry(data: str, button: Button) -> None:
    assert buttons.decode(data) == button
    assert buttons.encode(button) == data


@pytest.mark.parametrize(
    "forged",
    [
        "tp:x:Politics", "tp:+:", "tp:", "st:zz:1", "st:mode:", "lt:World:10:0", "lt:World:10:21",
        "lt:World:1021:5", "lt:World:x:5", "lt:" + "x" * 61 + ":0:5", "sv:", "sv:-1",
        "sv:9223372036854775808", "sv:١٢", "sp:1234567", "stop:maybe", "bc:send:", "bc:drop:1",
        "zz:garbage", "x", "", None, "ch:", "ch:list", "mg:", "mg:Home", "mg:toolongname",
        "ask:", "ad:x", "@", "@-100:", "@-100:zz:1", "@x:mg:home", "@-0:mg:home", "@0:mg:home",
        "@-01:mg:home", "@-12345678901234567:mg:home", "@-1:@-2:mg:home", "@-1:mg:home:",
        "ml:x", "ol:1", "um:", "um:x", "mo:", "mo: ", "zz:garbage", "x", "", None,
    ],
)  # fmt: skip
def test_forged_and_stale_data_reads_as_nothing(forged: str | None) -> None:
    assert buttons.decode(forged) is None


def test_a_topic_too_long_for_64_bytes_goes_by_its_position() -> None:
    vocabulary = Vocabulary.build({"Politics": [], "x" * 70: [], "Світ": [], "#1": []})
    assert buttons.encode(buttons.toggle(True, "x" * 70, vocabulary)) == "tp:+:#1"
    assert buttons.encode(buttons.toggle(False, "Світ", vocabulary)) == "tp:-:Світ"
    # A name that reads as a position goes by its own position.
    assert buttons.encode(buttons.toggle(True, "#1", vocabulary)) == "tp:+:#3"
    assert buttons.encode(buttons.latest_more("x" * 70, 5, 5, vocabulary)) == "lt:#1:5:5"
    assert buttons.encode(buttons.latest_more(None, 5, 5, vocabulary)) == "lt::5:5"
    for topic in vocabulary.names:
        for key in (topic, vocabulary.names.index(topic)):
            assert buttons.topic_named(key, vocabulary) == topic
    assert buttons.topic_named(99, vocabulary) is None
    assert buttons.topic_named("politics", vocabulary) is None  # data is exact, never guessed


def test_a_button_for_another_chat_keeps_within_64_bytes() -> None:
    """A channel's id takes 16 bytes: a topic name that no longer fits goes by position."""
    channel = -1001234567890
    vocabulary = Vocabulary.build({"Politics": [], "y" * 40: [], "z" * 45: []})
    assert buttons.toggle(True, "y" * 40, vocabulary, channel) == TopicToggle(True, "y" * 40)
    assert buttons.toggle(True, "z" * 45, vocabulary, channel) == TopicToggle(True, 2)
    assert buttons.toggle(True, "z" * 45, vocabulary) == TopicToggle(True, "z" * 45)
    more = buttons.latest_more("y" * 40, 1000, 20, vocabulary, channel)
    assert more == LatestMore(1, 1000, 20)
    assert buttons.aimed(None, Manage("home")) == Manage("home")
    data = buttons.encode(buttons.aimed(channel, more))
    assert data == "@-1001234567890:lt:#1:1000:20"
    assert buttons.decode_as(data, Targeted) == Targeted(channel, more)
    assert buttons.decode_as(data, LatestMore) is None  # only the manager takes aimed presses
    with pytest.raises(ValueError, match="no callback data"):
        buttons.encode(Targeted(channel, TopicToggle(True, "z" * 45)))
    with pytest.raises(ValueError, match="no callback data"):
        buttons.encode(Targeted(-1, Targeted(-2, Manage("home"))))  # type: ignore[arg-type]
