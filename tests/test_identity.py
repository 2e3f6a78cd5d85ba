"""news.identity: what makes two entries "the same article"."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from news.identity import entry_identity, normalise_link
from news.records import Entry


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("HTTPS://Example.ORG/News/Story", "https://example.org/News/Story"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://example.org:80/a", "https://example.org:80/a"),
        ("https://example.org/a/#comments", "https://example.org/a"),
        ("https://example.org/a/", "https://example.org/a"),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org?x=1", "https://example.org/?x=1"),
        (
            "https://example.org/a?utm_source=rss&id=7&UTM_Medium=x&fbclid=abc&b=2",
            "https://example.org/a?id=7&b=2",
        ),
        ("https://example.org/a?gclid=1&yclid=2&mc_cid=3&mc_eid=4", "https://example.org/a"),
        ("https://example.org/a?z=1&a=2&z=3", "https://example.org/a?z=1&a=2&z=3"),
        ("https://example.org/a?utm=keep&utmx=keep", "https://example.org/a?utm=keep&utmx=keep"),
        ("https://example.org/a?flag&utm_campaign", "https://example.org/a?flag"),
        ("https://example.org/A%2Fb?Q=Upper", "https://example.org/A%2Fb?Q=Upper"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("https://user@Example.org/a", "https://user@example.org/a"),
        ("http://[2001:DB8::1]:80/feed", "http://[2001:db8::1]/feed"),
        ("https://example.org:notaport/a", "https://example.org:notaport/a"),
    ],
)
def test_normalise_link(link: str, expected: str) -> None:
    assert normalise_link(link) == expected


def test_normalise_link_is_idempotent() -> None:
    once = normalise_link("HTTP://Example.org:80/a/?utm_source=x&id=1#top")
    assert once == "http://example.org/a?id=1"
    assert normalise_link(once) == once


def test_guid_wins() -> None:
    entry = Entry(guid="urn:uuid:1", link="https://example.org/a", title="T")
    assert entry_identity(entry) == "guid:urn:uuid:1"


def test_link_when_no_guid() -> None:
    tracked = Entry(guid=None, link="https://Example.org/a/?utm_source=rss#x", title="T")
    plain = Entry(guid=None, link="https://example.org/a", title="Edited title")
    assert entry_identity(tracked) == entry_identity(plain) == "link:https://example.org/a"


def test_hash_of_title_and_date_when_nothing_else() -> None:
    published = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    entry = Entry(guid=None, link=None, title="Quake hits", published=published)
    expected = hashlib.sha256(b"Quake hits\n2024-05-01T12:00:00+00:00").hexdigest()
    assert entry_identity(entry) == "hash:" + expected
    assert len(expected) == 64  # the full digest, never a truncated one


def test_hash_without_date() -> None:
    entry = Entry(guid=None, link=None, title="Quake hits")
    assert entry_identity(entry) == "hash:" + hashlib.sha256(b"Quake hits\n").hexdigest()
    later = Entry(
        guid=None, link=None, title="Quake hits", published=datetime(2024, 1, 1, tzinfo=UTC)
    )
    assert entry_identity(later) != entry_identity(entry)


def test_empty_guid_and_link_do_not_count() -> None:
    entry = Entry(guid="", link="", title="T")
    assert entry_identity(entry).startswith("hash:")
