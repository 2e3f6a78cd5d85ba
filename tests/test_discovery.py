"""Feed autodiscovery in web pages, and which addresses a feed may live at."""

from __future__ import annotations

import pytest

from news.addresses import refusal
from news.discovery import feed_links

PAGE = "https://news.example/section/index.html"


def page(head: str) -> bytes:
    return f"<!doctype html><html><head>{head}</head><body><p>Hi</p></body></html>".encode()


def test_rss_and_atom_links_resolve_against_the_page() -> None:
    html = page(
        '<link rel="stylesheet" href="/style.css">'
        '<link rel="alternate" type="application/rss+xml" href="feed.xml" title="RSS">'
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="alternate" type="application/rss+xml" href="https://cdn.example/rss">'
    )
    assert feed_links(html, PAGE) == (
        "https://news.example/section/feed.xml",
        "https://news.example/atom.xml",
        "https://cdn.example/rss",
    )


def test_case_parameters_and_several_rel_tokens_do_not_matter() -> None:
    html = page(
        '<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="../rss">'
    )
    assert feed_links(html, PAGE) == ("https://news.example/rss",)


def test_base_href_wins_over_the_page_url() -> None:
    html = page(
        '<base href="https://static.example/feeds/">'
        '<link rel="alternate" type="application/atom+xml" href="all.atom">'
    )
    assert feed_links(html, PAGE) == ("https://static.example/feeds/all.atom",)


def test_other_links_repeats_and_odd_schemes_are_left_out() -> None:
    html = page(
        '<link rel="alternate" hreflang="uk" href="/uk/">'
        '<link rel="alternate" type="text/html" href="/mobile/">'
        '<link rel="alternate" type="application/json" href="/feed.json">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/rss+xml" href="">'
        '<link rel="alternate" type="application/rss+xml" href="/rss">'
        '<link rel="alternate" type="application/rss+xml" href="https://news.example/rss">'
    )
    assert feed_links(html, PAGE) == ("https://news.example/rss",)


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"\x00\x01\x02 binary", b"<rss><channel></channel></rss>", b"plain text"]
)
def test_documents_without_feed_links_give_none(body: bytes) -> None:
    assert feed_links(body, PAGE) == ()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.10.0.5", "a loopback address"),
        ("::1", "a loopback address"),
        ("0.0.0.0", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.10", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.10.20", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("100.64.0.1", "not a public address"),
        ("224.0.0.1", "not a public address"),
        ("not-an-ip", "not an IP address"),
    ],
)
def test_addresses_a_feed_must_not_live_at(address: str, reason: str) -> None:
    assert refusal(address) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_fine(address: str) -> None:
    assert refusal(address) is None
