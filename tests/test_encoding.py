"""Feeds in legacy encodings decode right, whether the charset is in the header, the prolog or
nowhere, fetched and parsed the way the poller does it."""

from __future__ import annotations

import httpx
import pytest

from news.encoding import repair
from news.feedparse import parse_feed
from tests.fakes.feeds import FeedServer
from web.fetch import Fetched, fetch

TEXTS = {
    "windows-1251": "Верховна Рада ухвалила бюджет на наступний рік",
    "koi8-r": "Государственная дума приняла закон о бюджете",
    "koi8-u": "Уряд затвердив нову програму підтримки громад",
    "iso-8859-7": "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία",
    "iso-8859-2": "Sejm przyjął ustawę budżetową na przyszły rok",
    "shift_jis": "政府は来年度の予算案を閣議決定した",
    "euc-kr": "정부는 내년도 예산안을 국회에 제출했다",
}
BODY = (
    "<rss version='2.0'><channel><title>{text}</title><link>https://news.example/</link>"
    "<item><title>{text}</title><link>https://news.example/1</link>"
    "<description>{text}. {text}. {text}.</description></item></channel></rss>"
)


def document(encoding: str, *, prolog: bool) -> bytes:
    text = TEXTS[encoding]
    head = f"<?xml version='1.0' encoding='{encoding}'?>\n" if prolog else ""
    return (head + BODY.format(text=text)).encode(encoding)


async def fetched(feeds: FeedServer, client: httpx.AsyncClient, body: bytes, ctype: str) -> str:
    feeds.serve("/feed", body, content_type=ctype)
    result = await fetch(client, feeds.url("/feed"))
    assert isinstance(result, Fetched)
    return parse_feed(result.url, result.body, result.headers).entries[0].title


@pytest.mark.parametrize("encoding", sorted(TEXTS))
@pytest.mark.parametrize("declared", ["header", "prolog", "nowhere"])
async def test_legacy_encodings_decode_right(
    encoding: str, declared: str, feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    if declared == "nowhere" and encoding in {"koi8-u", "iso-8859-2"}:
        pytest.skip(f"{encoding} without any label is indistinguishable from its neighbours")
    body = document(encoding, prolog=declared == "prolog")
    ctype = "application/rss+xml" + (f"; charset={encoding}" if declared == "header" else "")
    assert await fetched(feeds, client, body, ctype) == TEXTS[encoding]


async def test_utf8_bytes_behind_a_latin_label_are_read_as_utf8(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    body = (
        "<?xml version='1.0' encoding='windows-1252'?>" + BODY.format(text="Prix : 5 € — café")
    ).encode("utf-8")
    assert await fetched(feeds, client, body, "application/rss+xml") == "Prix : 5 € — café"


async def test_utf16_without_a_byte_order_mark_or_declaration(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    body = BODY.format(text="Світ і політика").encode("utf-16-be")
    assert await fetched(feeds, client, body, "application/xml") == "Світ і політика"


def test_repair_leaves_correctly_labelled_documents_alone() -> None:
    body = document("windows-1251", prolog=True)
    assert repair(body, "application/rss+xml") == (body, "application/rss+xml")
    plain = BODY.format(text="plain ascii").encode()
    assert repair(plain, "text/xml; charset=iso-8859-1") == (plain, "text/xml; charset=iso-8859-1")
