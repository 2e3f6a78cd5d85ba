"""Feed bodies for the poll bench, built byte for byte alike in the server and the bench.

Each feed is one of the real feed files of the shared corpus (or generated RSS when the corpus
is missing), cut into what precedes its items, the items, and what follows, and rebuilt with
20-50 items whose guids, ids and links are made unique to that feed and story.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

MIN_ITEMS, MAX_ITEMS = 20, 50  # items per feed
MIN_NEW, MAX_NEW = 1, 5  # new items in a feed that changed
# A corpus file with fewer items would be repeated too often to pass for a feed of 20-50.
MIN_TEMPLATE_ITEMS = 10

# The topics the bot is configured with; generated feeds tag their items with them.
TOPICS: dict[str, list[str]] = {
    "World": ["world", "world news", "international", "europe", "asia", "americas"],
    "Politics": ["politics", "elections", "us politics", "uk politics"],
    "Business": ["business", "economy", "markets", "money"],
    "Technology": ["technology", "tech", "science"],
    "Health": ["health", "wellness", "medicine"],
    "Sport": ["sport", "sports", "football"],
}


@dataclass(frozen=True, slots=True)
class Spec:
    """Everything both processes need to build byte-identical feeds."""

    feeds: int
    changed: float
    hosts: int
    corpus: Path
    seed: int
    full_prime: bool  # False: feeds that never change are primed with one item


@dataclass(frozen=True, slots=True)
class Template:
    """A real feed document cut into what precedes its items, the items, and what follows."""

    name: str
    head: bytes
    items: tuple[bytes, ...]
    tail: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Plan:
    index: int
    template: int
    size: int  # items listed at any time
    new_per_change: int
    changes: bool  # among the feeds that gain items after the priming cycle


_ITEM = re.compile(rb"<(item|entry)[\s>].*?</\1\s*>", re.DOTALL)
_ID_TEXT = re.compile(rb"(<(guid|id)(?:\s[^>]*)?>)(.*?)(</\2\s*>)", re.DOTALL)
_LINK_TEXT = re.compile(rb"(<link(?:\s[^>]*)?(?<!/)>)(.*?)(</link\s*>)", re.DOTALL)
_LINK_HREF = re.compile(rb"(<link\b[^>]*?\shref=[\"'])([^\"']*)")
_TITLE_TEXT = re.compile(rb"(<title(?:\s[^>]*)?>)(.*?)(</title\s*>)", re.DOTALL)
# scheme://host of a URL, possibly inside CDATA: a marker path segment goes right after it, so
# the link stays a valid URL that needs no XML escaping.
_URL_START = re.compile(rb"\s*(?:<!\[CDATA\[)?\s*https?://[^/?#\s<\]\"']+")


def load_templates(corpus: Path, seed: int) -> list[Template]:
    templates = []
    if corpus.is_dir():
        for path in sorted(corpus.iterdir()):
            template = _split(path.name, path.read_bytes())
            if template is not None and len(template.items) >= MIN_TEMPLATE_ITEMS:
                templates.append(template)
    return templates or _generated_templates(seed)


def _split(name: str, body: bytes) -> Template | None:
    items = list(_ITEM.finditer(body))
    if not items:
        return None
    atom = items[0].group(1) == b"entry"
    return Template(
        name=name,
        head=body[: items[0].start()],
        items=tuple(match.group(0) for match in items),
        tail=body[items[-1].end() :],
        content_type="application/atom+xml" if atom else "application/rss+xml",
    )


def plan_feeds(spec: Spec, template_count: int) -> list[Plan]:
    rng = random.Random(spec.seed)
    changing = set(rng.sample(range(spec.feeds), round(spec.feeds * spec.changed)))
    return [
        Plan(
            index=index,
            template=rng.randrange(template_count),
            size=rng.randint(MIN_ITEMS, MAX_ITEMS),
            new_per_change=rng.randint(MIN_NEW, MAX_NEW),
            changes=index in changing,
        )
        for index in range(spec.feeds)
    ]


def feed_body(template: Template, plan: Plan, version: int) -> bytes:
    """Version 0 lists stories size-1..0; each later version adds new_per_change newer ones.

    Story s is the template's item s mod len(items), with its guid/id and links made unique to
    this feed and story (one link in two feeds is one story to the store); a repeated item also
    gets a changed title, or the store would take it for the earlier copy under a new id.
    """
    first = version * plan.new_per_change
    stories = range(first + plan.size - 1, first - 1, -1)  # newest first, as feeds list them
    items = (_story(template, plan.index, story) for story in stories)
    return template.head + b"\n".join(items) + template.tail


def _story(template: Template, feed: int, story: int) -> bytes:
    item = template.items[story % len(template.items)]
    mark = b"nb%d-%d" % (feed, story)
    item = _ID_TEXT.sub(lambda m: m[1] + _mark(m[3], mark) + m[4], item)
    item = _LINK_TEXT.sub(lambda m: m[1] + _mark(m[2], mark) + m[3], item)
    item = _LINK_HREF.sub(lambda m: m[1] + _mark(m[2], mark), item)
    repeat = story // len(template.items)
    if repeat:
        item = _TITLE_TEXT.sub(lambda m: m[1] + _append(m[2], b" (%d)" % repeat) + m[3], item, 1)
    return item


def _mark(text: bytes, mark: bytes) -> bytes:
    url = _URL_START.match(text)
    if url:
        return text[: url.end()] + b"/" + mark + text[url.end() :]
    return _append(text, b"-" + mark)


def _append(text: bytes, suffix: bytes) -> bytes:
    text = text.rstrip()
    if text.endswith(b"]]>"):
        return text[:-3] + suffix + b"]]>"
    return text + suffix


def _generated_templates(seed: int) -> list[Template]:
    """Stand-ins for the corpus: RSS 2.0 with HTML bodies of news-like length."""
    rng = random.Random(seed)
    words = re.findall(
        r"\w+",
        "government minister said on tuesday that the new plan would cut costs for families "
        "across the country while critics warned of delays in hospitals schools and courts "
        "after months of talks officials agreed a deal with unions over pay and working hours "
        "markets rose as investors welcomed figures showing growth in exports and jobs",
    )

    def sentence(low: int, high: int) -> str:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
        return text.capitalize() + "."

    templates = []
    for number in range(8):
        items = []
        for story in range(60):
            paragraphs = "".join(
                f"<p>{sentence(12, 30)} {sentence(8, 25)}</p>" for _ in range(rng.randint(2, 8))
            )
            link = f"https://news{number}.example/story/{story}"
            day = datetime(2024, 5, 1, tzinfo=UTC) - timedelta(hours=story)
            item = (
                f"<item><title>{sentence(6, 12)}</title><link>{link}</link>"
                f'<guid isPermaLink="true">{link}</guid>'
                f"<description>{sentence(15, 35)}</description>"
                f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"
                f"<category>{rng.choice(list(TOPICS))}</category>"
                f"<pubDate>{format_datetime(day, usegmt=True)}</pubDate></item>"
            )
            items.append(item.encode())
        head = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Generated news {number}</title><link>https://news{number}.example/</link>"
            "<description>Generated by bench/poll.py</description>\n"
        )
        templates.append(
            Template(
                f"generated-{number}",
                head.encode(),
                tuple(items),
                b"\n</channel></rss>\n",
                "application/rss+xml",
            )
        )
    return templates


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
