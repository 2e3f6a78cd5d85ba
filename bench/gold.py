"""The key-point gold as pointers: which real article, and where each item of its list lies.

The texts are publishers' and stay in ../shared beside the checkout; bench/data/keypoints_gold.json
holds no text of theirs. For each article it names the source file under ../shared, how to read
it, the entry (by link or guid) when the source is a feed, and each gold item as [start, end)
character offsets into the reading of the text (`reading`). The SHA-256 of the text and of its
reading are checked first: a source that changed, or a reading that news.text now does
differently, fails loudly (`GoldMismatch`), since offsets into another text would be silent
nonsense. A source that is missing only skips its article.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from news.text import normalise_space, plain_text

# Where a page in the seed's layout ends: the site's block of links to other stories.
_MORE = "More on the topic"


@dataclass(frozen=True)
class Article:
    id: str
    language: str
    title: str
    label: str
    points: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str


class GoldMismatch(Exception):
    """A source under ../shared no longer holds the text the gold was marked on."""


def reading(text: str) -> str:
    """The text the offsets count in: plain text, one line per block, spaces collapsed."""
    return "\n".join(normalise_space(line) for line in plain_text(text).splitlines())


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(gold: Path, shared: Path) -> tuple[list[Article], list[Skipped]]:
    raw = json.loads(gold.read_text(encoding="utf-8"))
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in raw["articles"]:
        source = shared / item["source"]
        if not source.is_file():
            skipped.append(Skipped(item["id"], f"{source} is not there"))
            continue
        title, text = _read(source, item)
        if fingerprint(text) != item["text_sha256"]:
            raise GoldMismatch(
                f"{item['id']}: {source} changed since the gold was marked (SHA-256 of the "
                "text read differs); mark its items again"
            )
        lines = reading(text)
        if fingerprint(lines) != item["reading_sha256"]:
            raise GoldMismatch(
                f"{item['id']}: the text reads differently now (news.text's plain text or space "
                "handling changed), so the items' offsets point elsewhere; mark them again"
            )
        points = tuple(lines[start:end] for start, end in item["items"])
        articles.append(
            Article(
                id=item["id"],
                language=item["language"],
                title=title,
                label=item["label"],
                points=points,
                text=text,
            )
        )
    return articles, skipped


def _read(source: Path, item: dict[str, str]) -> tuple[str, str]:
    """(title, text) of the article `item` points at in `source`."""
    if item["read"] == "page":
        return _page(source)
    if item["read"] == "feed entry full-text":
        return _feed_entry(source, item)
    raise ValueError(f"{item['id']}: unknown way to read a source: {item['read']!r}")


def _page(source: Path) -> tuple[str, str]:
    """A page as text in the seed's layout: " date YYYY-MM-DD <headline>", then the article
    (its labelled list and body) up to the site's "More on the topic" block."""
    lines = source.read_text(encoding="utf-8").splitlines()
    first = lines[0].strip()
    title = first.split(" ", 2)[2] if first.startswith("date ") else first
    end = lines.index(_MORE) if _MORE in lines else len(lines)
    return title, "\n".join(lines[1:end])


def _feed_entry(source: Path, item: dict[str, str]) -> tuple[str, str]:
    """The <full-text> of the RSS item with this link or guid, as the feed carries it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(source), parser).getroot()
    for entry in root.iter("{*}item"):
        link = entry.findtext("{*}link", default="").strip()
        guid = entry.findtext("{*}guid", default="").strip()
        if (item.get("link") and link == item["link"]) or (
            item.get("guid") and guid == item["guid"]
        ):
            title = entry.findtext("{*}title", default="").strip()
            return title, entry.findtext("{*}full-text", default="").strip()
    raise GoldMismatch(f"{item['id']}: no entry with that link or guid in {source}")
