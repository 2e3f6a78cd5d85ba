"""Who gets an article, and how: the rules of an article's path, decided without I/O.

The poller, the store's ingest, the sender and the digest job ask here and carry out what they
are told; this module reads values (what the store knows, a chat's parsed settings, `now`) and
returns plans, so tests/test_routing.py checks every rule without a database or a network.

  poll      changed(): which entries are worth reading; plan(): what to store, what may alert
  ingest    alerted(): the new articles that alert; audience(): who receives them, by which rule
  mutes     muted(): whether a chat's mutes keep an article from it (ingest, digests, /latest)
  sender    verdict(): send, send silently, hold for the digest, or skip
  digests   due_reason(): why a chat's held articles go out now, or None
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from news.article import edit_hash, is_fresh
from news.keywords import ArticleWords, Query, article_words, match, parse_query
from news.mutes import Mute, MuteKind, same_outlet
from news.records import (
    ChatMode,
    ChatPrefs,
    DeliveryState,
    DigestReason,
    Entry,
    NewArticle,
    QuietMode,
)
from news.timing import Quiet, digest_due, in_quiet, parse_quiet, parse_times
from news.zones import ZoneError, zone_from_name

# ---------------------------------------------------------------------------- what to store


class Known(NamedTuple):
    """An entry the store already has: its row and the edit hash it was stored with."""

    article_id: int
    edit_hash: str | None


def changed(
    entries: Sequence[Entry], identities: Sequence[str], known: Mapping[str, Known]
) -> list[Entry]:
    """The entries that are new or edited: only these are worth key points and plain text."""
    return [
        entry
        for entry, identity in zip(entries, identities, strict=True)
        if identity not in known or known[identity].edit_hash != edit_hash(entry)
    ]


@dataclass(frozen=True, slots=True)
class Edit:
    """A known entry whose text changed: stored in place, never alerted again."""

    article_id: int
    article: NewArticle


@dataclass(frozen=True, slots=True)
class Plan:
    """What becomes of one poll's entries; the store carries it out in one transaction."""

    new: Sequence[NewArticle] = ()  # to store, in feed order
    alertable: Collection[str] = frozenset()  # identities among `new` that may alert
    edits: Sequence[Edit] = ()
    seen: Collection[str] = ()  # every identity the feed listed: remembered for another period


def plan(
    articles: Sequence[NewArticle],
    *,
    seen: Collection[str],
    known: Mapping[str, Known],
    first_poll: bool,
    now: datetime,
    max_age: timedelta,
) -> Plan:
    """`articles`: the changed entries read; `seen`: every identity the feed listed."""
    batch = {article.identity: article for article in articles}  # a feed may repeat a guid
    new = tuple(a for identity, a in batch.items() if identity not in known)
    edits = tuple(
        Edit(known[identity].article_id, a)
        for identity, a in batch.items()
        if identity in known and known[identity].edit_hash != a.content_hash
    )
    # The first successful poll only records what is there: no flood of old news. Later,
    # entries dated beyond max_age are stored but never alerted.
    alertable = frozenset(
        () if first_poll else (a.identity for a in new if is_fresh(a, now, max_age))
    )
    return Plan(new=new, alertable=alertable, edits=edits, seen=seen)


# ---------------------------------------------------------------------------- who receives it


@dataclass(frozen=True, slots=True)
class Copies:
    """What the store already has of a batch's new articles: their normalised links (in any
    feed) and text hashes (in this feed)."""

    links: frozenset[str | None] = frozenset()
    hashes: frozenset[str | None] = frozenset()


def alerted(
    plan: Plan, inserted: Mapping[str, int], copies: Copies = Copies()
) -> dict[int, NewArticle]:
    """Article id -> each new article that alerts: alertable, really inserted (another poller
    may have stored it a moment ago), and no copy of a story already known - the same link in
    any feed (one story in two feeds, or a guid that changed) or the same text in this feed."""
    links, hashes = set(copies.links), set(copies.hashes)
    alert = {}
    for article in plan.new:  # in feed order: the first of two copies in one batch is the story
        repeat = bool(article.link_key and article.link_key in links) or bool(
            article.content_hash and article.content_hash in hashes
        )
        links.add(article.link_key)
        hashes.add(article.content_hash)
        if not repeat and article.identity in plan.alertable and article.identity in inserted:
            alert[inserted[article.identity]] = article
    return alert


def first_state(mode: ChatMode) -> DeliveryState:
    """Digest chats hold their articles for the digest; the others get them at once."""
    return DeliveryState.HELD if mode is ChatMode.DIGEST else DeliveryState.PENDING


@dataclass(frozen=True, slots=True)
class KeywordAlert:
    """A keyword alert of a chat that takes alerts now, as the store read it."""

    chat_id: int
    query: str  # canonical: as the chat wrote it, and as the alert names it
    mode: ChatMode
    min_outlets: int | None = None  # the chat's big-stories-only setting


# What a chat may ask for as big stories only: at least 2 outlets (one is every story), and at
# most 5, as many as the bundled feeds have.
MIN_OUTLETS = range(2, 6)


def big_enough(outlets: int, min_outlets: int | None) -> bool:
    """Whether a story told by `outlets` outlets reaches a chat that takes big stories only
    (at least `min_outlets`; None: every story)."""
    return min_outlets is None or outlets >= min_outlets


@dataclass(frozen=True, slots=True)
class Hit:
    """An article reaches a chat through one of its keyword alerts."""

    chat_id: int
    article_id: int
    matched: str  # the alert, as the chat wrote it
    state: DeliveryState


@dataclass(frozen=True, slots=True)
class Audience:
    """Who receives a batch's alerted articles, by rules in order of precedence; a chat that an
    earlier rule reached is not reached again by a later one.

    1. keyword hits: first, so an article a chat gets by both is sent once and names the alert;
       a chat's mutes do not stop them (the chat asked for those words);
    2. the followers of the topics of the articles' stories (`followed`), which the store
       expands in SQL, each row in first_state() of the chat's mode, except the (chat, article)
       pairs in `muted`: a chat's mutes keep an article from it by any topic.
    Only chats that take alerts now (active, not paused) are asked about, and only those whose
    big-stories-only setting the story's outlets reach (big_enough()). A chat gets one alert
    per story: the store keeps the first row of a (chat, story) and ignores later ones.
    """

    hits: tuple[Hit, ...]
    followed: tuple[int, ...]  # article ids
    muted: frozenset[tuple[int, int]] = frozenset()  # (chat id, article id)


def audience(
    articles: Mapping[int, NewArticle],
    alerts: Sequence[KeywordAlert],
    mutes: Sequence[Mute] = (),
    outlet: str = "",
    outlets: Mapping[int, int] | None = None,
) -> Audience:
    """`articles`: alerted() ones by id, all from one feed, published by `outlet`; `alerts`:
    in the order the chats wrote them; `mutes`: of the chats that may follow their topics;
    `outlets`: how many outlets tell each article's story now (1 when not given)."""
    told = outlets or {}
    hits: list[Hit] = []
    silenced: set[tuple[int, int]] = set()
    # Many chats mute the same words or outlet: each distinct mute is matched once per article,
    # its query parsed once per batch.
    muting: dict[tuple[MuteKind, str], list[int]] = {}
    for mute in mutes:
        muting.setdefault((mute.kind, mute.value), []).append(mute.chat_id)
    rules = [(_rule(kind, value, outlet), chats) for (kind, value), chats in muting.items()]
    for article_id, article in articles.items():
        words = words_of(article.title, article.key_points, article.summary)
        reached: set[int] = set()
        size = told.get(article_id, 1)
        for alert in alerts:
            if alert.chat_id in reached or not big_enough(size, alert.min_outlets):
                continue
            if match(_query(alert.query), words) is not None:
                reached.add(alert.chat_id)
                hits.append(Hit(alert.chat_id, article_id, alert.query, first_state(alert.mode)))
        for rule, chats in rules:
            if _hits(rule, words):
                silenced.update((chat, article_id) for chat in chats if chat not in reached)
    return Audience(hits=tuple(hits), followed=tuple(articles), muted=frozenset(silenced))


def words_of(title: str, key_points: Sequence[str], summary: str) -> ArticleWords:
    """What keyword alerts and words mutes look for in an article: its headline, key points
    and summary, each a separate text (no phrase spans two of them)."""
    return article_words((title, *key_points, summary))


def muted(words: ArticleWords, outlet: str, mutes: Iterable[Mute]) -> bool:
    """Whether a chat's mutes keep an article from it: a words mute matches it exactly as the
    same keyword alert would, a source mute names its outlet (case and spacing aside). The same
    rule stops the alert at ingest, the held article when its digest is made, and the headline
    in /latest."""
    return any(_hits(_rule(mute.kind, mute.value, outlet), words) for mute in mutes)


def _rule(kind: MuteKind, value: str, outlet: str) -> Query | bool:
    """A mute for articles of `outlet`: the query its words must match, or whether it silences
    them all (a source mute: its outlet, case and spacing aside)."""
    if kind is MuteKind.SOURCE:
        return same_outlet(value, outlet)
    return _query(value)


def _hits(rule: Query | bool, words: ArticleWords) -> bool:
    return rule if isinstance(rule, bool) else match(rule, words) is not None


@lru_cache(maxsize=4096)
def _query(text: str) -> Query:
    """Stored alerts are in canonical form; parsed once per process, not once per article."""
    return parse_query(text)


# ---------------------------------------------------------------------------- how and when


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the rules need of a chat's settings, parsed."""

    mode: ChatMode = ChatMode.INSTANT
    zone: tzinfo = UTC
    quiet: Quiet | None = None
    quiet_mode: QuietMode = QuietMode.HOLD
    digest_times: tuple[time, ...] = ()
    paused_until: datetime | None = None
    last_digest_at: datetime | None = None

    @classmethod
    def of(cls, prefs: ChatPrefs) -> Recipient:
        """The stored settings are canonical (the commands wrote them), so they parse."""
        times = parse_times(" ".join(prefs.digest_times)) if prefs.digest_times else ()
        try:
            zone = zone_from_name(prefs.zone).tzinfo
        except ZoneError:  # a name the installed tzdata no longer knows: UTC, not silence
            zone = UTC
        return cls(
            mode=prefs.mode,
            zone=zone,
            quiet=parse_quiet(prefs.quiet) if prefs.quiet else None,
            quiet_mode=prefs.quiet_mode,
            digest_times=times,
            paused_until=prefs.paused_until,
            last_digest_at=prefs.last_digest_at,
        )

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now

    def hushed(self, now: datetime) -> bool:
        """Within its quiet hours."""
        return self.quiet is not None and in_quiet(now, self.quiet, self.zone)


class SendVerdict(StrEnum):
    """What the sender does with a message it took from the outbox."""

    SEND = "send"
    SILENT = "silent"  # without a sound
    HOLD = "hold"  # for the chat's next digest
    SKIP = "skip"  # the chat paused its alerts


def verdict(chat: Recipient | None, now: datetime, *, article: bool) -> SendVerdict:
    """What the chat's settings say about a message now. Decided at send time, so a change of
    settings takes effect for rows already queued. `article`: an article's own alert; a digest
    or an admin's announcement is never held or skipped, only sent silently in quiet hours."""
    if chat is None:
        return SendVerdict.SEND
    hushed = chat.hushed(now)
    if article:
        if chat.paused(now):
            return SendVerdict.SKIP
        # Queued before the chat chose digests, or before its quiet hours began.
        if chat.mode is ChatMode.DIGEST or (hushed and chat.quiet_mode is QuietMode.HOLD):
            return SendVerdict.HOLD
    return SendVerdict.SILENT if hushed else SendVerdict.SEND


def due_reason(chat: Recipient, oldest_held: datetime, now: datetime) -> DigestReason | None:
    """Why this chat's held articles go out now, or None while they keep waiting. A bot that
    was down at 08:00 sends the 08:00 digest once when it is back, never one per missed slot."""
    if chat.paused(now):
        return None
    if chat.mode is ChatMode.DIGEST:
        # The first digest waits for the first slot after its oldest article arrived.
        since = max(filter(None, (chat.last_digest_at, oldest_held)))
        due = digest_due(now, chat.digest_times, chat.zone, since)
        return DigestReason.SCHEDULED if due else None
    if chat.hushed(now):
        return None
    # An instant chat holds articles only through quiet hours (or from its digest days).
    return DigestReason.QUIET if chat.quiet is not None else DigestReason.SCHEDULED
