"""Pages in the layout of the real page the bot was designed from, read from their text.

The layout: a date line with the headline, a "Points of attention" list of "- " lines, body
sections under their headings, then the site's "More on the topic" block. The project's own
article in that layout lives in tests/data; the real page stays in ../shared beside the checkout
(`SEED`) and is only read when it is there.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTICLE = Path(__file__).parent / "data" / "articles" / "points_of_attention_en.txt"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article.txt"
LINK = "https://news.example/energy/lindqvist-floating-solar-farm.html"
LABEL = "Points of attention"
MORE = "More on the topic"


@dataclass(frozen=True)
class Reference:
    text: str
    date_line: str  # "date 2031-04-17 <headline>"
    headline: str
    points: tuple[str, ...]
    body: tuple[str, ...]  # headings and paragraphs between the list and "More on the topic"
    more: tuple[str, ...]  # the "More on the topic" block: categories and favourites links

    def content_html(self) -> str:
        """The article as its site's HTML: lead, labelled list of points, body sections."""
        parts = [f"<p>{html.escape(self.headline)}</p>", f"<p>{LABEL}</p>", "<ul>"]
        parts += [f"<li>{html.escape(point)}</li>" for point in self.points]
        parts.append("</ul>")
        for line in self.body:
            tag = "p" if line.endswith((".", '."', ".”")) else "h2"
            parts.append(f"<{tag}>{html.escape(line)}</{tag}>")
        return "\n".join(parts)


def read_reference(path: Path) -> Reference:
    text = path.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    label = lines.index(LABEL)
    end = label + 1
    while lines[end].startswith("- "):
        end += 1
    more = lines.index(MORE)
    first = lines[0]
    return Reference(
        text=text,
        date_line=first,
        headline=first.split(" ", 2)[2] if first.startswith("date ") else first,
        points=tuple(line[2:].strip() for line in lines[label + 1 : end]),
        body=tuple(line for line in lines[end:more] if line),
        more=tuple(lines[more:]),
    )


def reference_article() -> Reference:
    """The project's own article in the layout."""
    return read_reference(ARTICLE)


def seed_article() -> Reference:
    """The real page, read from ../shared at run time; the calling test is skipped without it."""
    if not SEED.is_file():
        pytest.skip(f"the real page is not at {SEED} (../shared beside the checkout)")
    return read_reference(SEED)
