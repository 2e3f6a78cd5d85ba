"""The reference article (../shared/seed/article.txt; a copy lives in tests/data) as a feed item."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

COPY = Path(__file__).parent / "data" / "articles" / "reference_article.txt"
LINK = "https://newsukraine.rbc.ua/news/us-south-korea-and-japan-condemn-1719220000.html"


@dataclass(frozen=True)
class Reference:
    headline: str
    points: tuple[str, ...]
    paragraphs: tuple[str, ...]  # body lines in order; headings included

    def content_html(self) -> str:
        """The article as its site's HTML: lead, labelled list of points, body sections."""
        parts = [f"<p>{html.escape(self.headline)}</p>", "<p>Points of attention</p>", "<ul>"]
        parts += [f"<li>{html.escape(point)}</li>" for point in self.points]
        parts.append("</ul>")
        for line in self.paragraphs:
            tag = "p" if line.endswith((".", '."', ".”")) else "h2"
            parts.append(f"<{tag}>{html.escape(line)}</{tag}>")
        return "\n".join(parts)


def reference_article() -> Reference:
    lines = [line.strip() for line in COPY.read_text(encoding="utf-8").splitlines()]
    first = lines[0]
    headline = first.split(" ", 2)[2] if first.startswith("date ") else first
    label = lines.index("Points of attention")
    points, index = [], label + 1
    while lines[index].startswith("- "):
        points.append(lines[index][2:].strip())
        index += 1
    end = lines.index("More on the topic")
    return Reference(headline, tuple(points), tuple(line for line in lines[index:end] if line))
