"""news.routing: who gets an article and how, checked as rules over generated values, no I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from news.article import edit_hash
from news.identity import entry_identity
from news.keywords import match, parse_query
from news.mutes import Mute, MuteKind
from news.records import (
    ChatMode,
    ChatPrefs,
    DeliveryState,
    DigestReason,
    Entry,
    NewArticle,
    QuietMode,
)
from news.routing import (
    Copies,
    KeywordAlert,
    Known,
    Plan,
    Recipient,
    SendVerdict,
    alerted,
    audience,
    changed,
    due_reason,
    first_state,
    muted,
    plan,
    verdict,
    words_of,
)
from news.timing import Quiet, next_slot

MAX_AGE = timedelta(hours=48)
KYIV = ZoneInfo("Europe/Kyiv")

moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
zones = st.sampled_from(
    [UTC, KYIV, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))]
)
wall_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
quiet_windows = st.builds(Quiet, wall_times, wall_times).filter(lambda q: q.start != q.end)
digest_times = st.lists(wall_times, min_size=1, max_size=6, unique=True).map(
    lambda times: tuple(sorted(times))
)


@st.composite
def recipients(draw: st.DrawFn, /, **fixed: Any) -> Recipient:
    now = draw(moments)
    pause = draw(st.sampled_from([None, now - timedelta(hours=1), now + timedelta(hours=1)]))
    drawn = Recipient(
        mode=draw(st.sampled_from(ChatMode)),
        zone=draw(zones),
        quiet=draw(st.none() | quiet_windows),
        quiet_mode=draw(st.sampled_from(QuietMode)),
        digest_times=draw(digest_times),
        paused_until=pause,
        last_digest_at=draw(st.none() | moments),
    )
    return replace(drawn, **fixed)


# ------------------------------------------------------------------------------------ verdict


@given(recipients(), moments)
def test_a_paused_chat_never_gets_an_article(chat: Recipient, now: datetime) -> None:
    if chat.paused(now):
        assert verdict(chat, now, article=True) is SendVerdict.SKIP
    else:
        assert verdict(chat, now, article=True) is not SendVerdict.SKIP


@given(recipients(mode=ChatMode.DIGEST), moments)
def test_a_digest_chat_holds_every_article_it_takes(chat: Recipient, now: datetime) -> None:
    expected = SendVerdict.SKIP if chat.paused(now) else SendVerdict.HOLD
    assert verdict(chat, now, article=True) is expected


@given(recipients(mode=ChatMode.INSTANT, paused_until=None), moments)
def test_quiet_hours_hold_or_hush_an_instant_chats_articles(chat: Recipient, now: datetime) -> None:
    decided = verdict(chat, now, article=True)
    if not chat.hushed(now):
        assert decided is SendVerdict.SEND
    elif chat.quiet_mode is QuietMode.HOLD:
        assert decided is SendVerdict.HOLD
    else:
        assert decided is SendVerdict.SILENT


@given(recipients(), moments)
def test_a_digest_or_an_announcement_is_never_held_or_skipped(
    chat: Recipient, now: datetime
) -> None:
    expected = SendVerdict.SILENT if chat.hushed(now) else SendVerdict.SEND
    assert verdict(chat, now, article=False) is expected


def test_a_message_for_a_chat_without_settings_is_sent() -> None:
    assert verdict(None, datetime(2026, 1, 1, tzinfo=UTC), article=True) is SendVerdict.SEND


def test_quiet_hours_are_read_in_the_chats_zone() -> None:
    chat = Recipient(zone=KYIV, quiet=Quiet(time(23), time(7)), quiet_mode=QuietMode.SILENT)
    assert (
        verdict(chat, datetime(2026, 1, 15, 22, 30, tzinfo=UTC), article=True) is SendVerdict.SILENT
    )
    assert (
        verdict(chat, datetime(2026, 1, 15, 20, 30, tzinfo=UTC), article=True) is SendVerdict.SEND
    )


def test_settings_are_read_from_what_the_store_keeps() -> None:
    prefs = ChatPrefs(
        1,
        zone="Europe/Kyiv",
        mode=ChatMode.DIGEST,
        digest_times=("19:00", "08:00"),
        quiet="23:00-07:00",
        quiet_mode=QuietMode.SILENT,
    )
    chat = Recipient.of(prefs)
    assert chat.zone == KYIV
    assert chat.digest_times == (time(8), time(19))
    assert chat.quiet == Quiet(time(23), time(7))
    assert (chat.mode, chat.quiet_mode) == (ChatMode.DIGEST, QuietMode.SILENT)


# --------------------------------------------------------------------------------- due rule


@given(recipients(mode=ChatMode.DIGEST, paused_until=None, last_digest_at=None), moments)
def test_a_digest_goes_out_once_per_slot(chat: Recipient, fired: datetime) -> None:
    held_since = fired - timedelta(days=2)
    assert due_reason(chat, held_since, fired) is DigestReason.SCHEDULED
    after = replace(chat, last_digest_at=fired)
    upcoming = next_slot(fired, chat.digest_times, chat.zone)
    for fraction in (0.0, 0.5, 0.999):
        between = fired + (upcoming - fired) * fraction
        assert due_reason(after, fired, between) is None  # articles held since, still waiting
    assert due_reason(after, fired, upcoming) is DigestReason.SCHEDULED


@given(recipients(), moments)
def test_a_paused_chat_gets_no_digest(chat: Recipient, now: datetime) -> None:
    if chat.paused(now):
        assert due_reason(chat, now - timedelta(days=3), now) is None


@given(recipients(mode=ChatMode.INSTANT, paused_until=None), moments)
def test_an_instant_chat_gets_its_held_articles_when_quiet_hours_end(
    chat: Recipient, now: datetime
) -> None:
    reason = due_reason(chat, now - timedelta(hours=1), now)
    if chat.hushed(now):
        assert reason is None
    elif chat.quiet is not None:
        assert reason is DigestReason.QUIET
    else:
        assert reason is DigestReason.SCHEDULED  # held while it was a digest chat


# ------------------------------------------------------------------------ new, edited, alertable


def article(
    identity: str, text: str = "", *, link: str | None = None, published: datetime | None = None
) -> NewArticle:
    return NewArticle(
        identity=identity,
        link=link,
        title=f"Headline {identity}",
        summary=text,
        published_at=published,
        topics=frozenset({"World"}),
        key_points=(),
        link_key=link,
        content_hash=f"hash of {identity} {text}",
    )


identities = st.sampled_from(["a", "b", "c", "d", "e"])
ages = st.none() | st.sampled_from([timedelta(hours=1), timedelta(hours=47), timedelta(days=3)])
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[NewArticle], dict[str, Known]]:
    """A poll's changed articles (a guid may repeat) and what the store knows of the feed."""
    articles = []
    for identity in draw(st.lists(identities, max_size=8)):
        age = draw(ages)
        published = None if age is None else NOW - age
        articles.append(article(identity, draw(st.sampled_from(["", "v2"])), published=published))
    known = {
        identity: Known(number, draw(st.sampled_from([f"hash of {identity} ", "old"])))
        for number, identity in enumerate(draw(st.sets(identities)))
    }
    return articles, known


@given(batches(), st.booleans())
def test_a_plan_stores_the_new_and_the_edited_and_alerts_only_the_new(
    batch: tuple[list[NewArticle], dict[str, Known]], first_poll: bool
) -> None:
    articles, known = batch
    seen = {a.identity for a in articles}
    decided = plan(
        articles, seen=seen, known=known, first_poll=first_poll, now=NOW, max_age=MAX_AGE
    )
    new = [a.identity for a in decided.new]
    assert new == list(dict.fromkeys(a.identity for a in articles if a.identity not in known))
    last = {a.identity: a for a in articles}  # a guid listed twice: its last entry counts
    assert [(edit.article_id, edit.article) for edit in decided.edits] == [
        (known[i].article_id, a)
        for i, a in last.items()
        if i in known and known[i].edit_hash != a.content_hash
    ]
    assert set(decided.alertable) <= set(new)  # an edited entry is never alertable
    if first_poll:
        assert not decided.alertable  # the first poll records what is there, alerting nobody
    else:
        fresh = {a.identity for a in decided.new if a.published_at is None}
        fresh |= {
            a.identity for a in decided.new if a.published_at and NOW - a.published_at <= MAX_AGE
        }
        assert decided.alertable == fresh


def test_only_entries_that_are_new_or_edited_are_read() -> None:
    same, edited, new = (Entry(guid=g, link=None, title=g) for g in ("same", "edited", "new"))
    ids = [entry_identity(e) for e in (same, edited, new)]
    known = {ids[0]: Known(1, edit_hash(same)), ids[1]: Known(2, "an older text")}
    assert changed([same, edited, new], ids, known) == [edited, new]


# --------------------------------------------------------------------------------- audience


def test_a_story_already_known_is_stored_but_not_alerted() -> None:
    first, copy, other = (
        article("a", link="https://x.example/1"),
        article("b", link="https://x.example/1"),
        article("c", link="https://x.example/2"),
    )
    batch = Plan(new=(first, copy, other), alertable={"a", "b", "c"})
    inserted = {"a": 1, "b": 2, "c": 3}
    assert alerted(batch, inserted) == {1: first, 3: other}  # the first copy is the story
    assert alerted(batch, inserted, Copies(links=frozenset({"https://x.example/2"}))) == {1: first}
    assert alerted(batch, {"a": 1}) == {1: first}  # b and c: another poller stored them


@given(st.sampled_from(ChatMode))
def test_digest_chats_hold_articles_and_the_others_queue_them(mode: ChatMode) -> None:
    expected = DeliveryState.HELD if mode is ChatMode.DIGEST else DeliveryState.PENDING
    assert first_state(mode) is expected


def test_a_keyword_hit_wins_over_a_topic_and_names_the_alert_as_written() -> None:
    story = article("a", "Kim Jong Un met the press in Seoul")
    alerts = [
        KeywordAlert(7, '"kim jong un"', ChatMode.INSTANT),
        KeywordAlert(7, "seoul", ChatMode.INSTANT),
        KeywordAlert(8, "seoul -press", ChatMode.DIGEST),
        KeywordAlert(9, "seoul", ChatMode.DIGEST),
    ]
    reach = audience({10: story}, alerts)
    assert [(h.chat_id, h.matched, h.state) for h in reach.hits] == [
        (7, '"kim jong un"', DeliveryState.PENDING),
        (9, "seoul", DeliveryState.HELD),
    ]
    assert reach.followed == (10,)  # then the topic's followers, less the chats hits reached


@given(
    st.lists(st.sampled_from(["seoul", "kim", "press -seoul", '"met the"', "nothing"]), max_size=6),
    st.lists(st.sampled_from(["Kim met the press", "Seoul today", "Nothing here"]), min_size=1),
)
def test_each_chat_is_reached_once_per_article(queries: list[str], texts: list[str]) -> None:
    alerts = [KeywordAlert(n % 3, query, ChatMode.INSTANT) for n, query in enumerate(queries)]
    articles = {n: article(str(n), text) for n, text in enumerate(texts)}
    reach = audience(articles, alerts)
    assert set(reach.followed) == set(articles)
    for article_id, story in articles.items():
        words = words_of(story.title, story.key_points, story.summary)
        for chat in {a.chat_id for a in alerts}:
            matching = [
                a.query
                for a in alerts
                if a.chat_id == chat and match(parse_query(a.query), words) is not None
            ]
            hits = [
                h.matched for h in reach.hits if (h.chat_id, h.article_id) == (chat, article_id)
            ]
            assert hits == matching[:1]  # reached once, named by its first alert that matched


# ------------------------------------------------------------------------------------ mutes

WORDS_MUTES = ["chelsea", '"premier league"', "football -ukraine", "київ", "kim press"]
TEXTS = [
    "Chelsea beat Arsenal in the Premier League",
    "Ukraine's football team wins",
    "Kim met the press in Київ",
    "Chelseas fans march",  # a different word: no mute matches inside it
    "Parliament passes the budget",
]
mute_lists = st.lists(
    st.builds(
        lambda chat, kind, value: Mute(0, chat, kind, value),
        st.integers(1, 4),
        st.sampled_from(MuteKind),
        st.sampled_from([*WORDS_MUTES, "BBC News", "bbc  news", "Other Times"]),
    ),
    max_size=8,
)
OUTLETS = st.sampled_from(["BBC News", "Other Times", "Example"])


@given(st.sampled_from(WORDS_MUTES), st.sampled_from(TEXTS), OUTLETS)
def test_a_words_mute_silences_exactly_what_the_same_keyword_alert_would_bring(
    query: str, text: str, outlet: str
) -> None:
    words = words_of(text, (), "")
    silenced = muted(words, outlet, [Mute(1, 1, MuteKind.WORDS, query)])
    assert silenced == (match(parse_query(query), words) is not None)


@given(st.sampled_from(["BBC News", "bbc news", "BBC  NEWS", "Other Times"]), OUTLETS)
def test_a_source_mute_silences_its_outlet_only_in_any_case(name: str, outlet: str) -> None:
    words = words_of("BBC News reports on Other Times", (), "")  # the words do not count
    silenced = muted(words, outlet, [Mute(1, 1, MuteKind.SOURCE, name)])
    assert silenced == (" ".join(name.casefold().split()) == outlet.casefold())


@given(mute_lists, st.lists(st.sampled_from(TEXTS), min_size=1, max_size=4), OUTLETS)
def test_mutes_keep_articles_from_their_own_chat_by_topic_and_never_stop_a_keyword_hit(
    mutes: list[Mute], texts: list[str], outlet: str
) -> None:
    alerts = [
        KeywordAlert(1, "chelsea", ChatMode.INSTANT),
        KeywordAlert(3, "budget", ChatMode.DIGEST),
    ]
    articles = {n: article(str(n), text) for n, text in enumerate(texts)}
    reach = audience(articles, alerts, mutes, outlet)
    hit = {(h.chat_id, h.article_id) for h in reach.hits}
    assert reach.followed == tuple(articles)
    assert reach.hits == audience(articles, alerts).hits  # mutes change no keyword hit
    assert not hit & reach.muted  # a hit is never muted: the chat asked for those words
    for article_id, story in articles.items():
        words = words_of(story.title, story.key_points, story.summary)
        for chat in range(1, 5):
            own = [m for m in mutes if m.chat_id == chat]
            expected = muted(words, outlet, own) and (chat, article_id) not in hit
            assert ((chat, article_id) in reach.muted) == expected


def test_a_muted_article_still_reaches_a_chat_by_its_keyword_alert() -> None:
    story = article("a", "Chelsea agrees a transfer fee")
    mutes = [Mute(1, 7, MuteKind.WORDS, "chelsea"), Mute(2, 8, MuteKind.WORDS, "chelsea")]
    reach = audience({10: story}, [KeywordAlert(7, "transfer", ChatMode.INSTANT)], mutes, "X")
    assert [(h.chat_id, h.matched) for h in reach.hits] == [(7, "transfer")]
    assert reach.muted == {(8, 10)}
