"""Key points of an article: the publisher's own list, else its best sentences, else its summary.

The order and the thresholds come from measuring on real articles (bench/keypoints.py): a
label-anchored list beats anything we could pick, and among picking methods the first
sentence of each paragraph scored best (ROUGE-1 0.50, lead-3 0.44). Pure: strings in, tuple out.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile

from lxml import etree
from lxml.html import HtmlElement

from news.text import (
    first_sentence,
    looks_like_html,
    normalise_space,
    one_line,
    parse_html,
    plain_text,
    sentences,
    tree_text,
    word_stems,
)

__all__ = [
    "DEFAULT_LABELS",
    "POINT_LIMIT",
    "best_sentences",
    "explicit_points",
    "flattened_points",
    "key_points",
    "labelled_points",
    "labels_with",
    "readable_text",
]

DEFAULT_LABELS: tuple[str, ...] = (
    *("Points of attention", "Key points", "Key takeaways", "Highlights", "In brief"),
    *("What we know", "Головне", "Головне на цей час", "Коротко", "Ви дізнаєтеся"),
    *("Що відомо", "Тези"),
    *("Главное", "Коротко о главном", "Что известно", "Вы узнаете"),
)
POINT_LIMIT = 250

# Lists here are site furniture (menus, "related", share buttons), never the article's points.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_FURNITURE_NAMES = re.compile("related|latest|share|tags|menu", re.IGNORECASE)
# A container whose class says it holds the points may wrap its list in further markup.
_POINTS_NAMES = re.compile("point|takeaway|highlight|summary|brief|key", re.IGNORECASE)
_LABEL_TAGS = ("p", "strong", "b", "em", "span", "div", "dt", "h1", "h2", "h3", "h4", "h5", "h6")
_LIST_TAGS = frozenset({"ul", "ol"})
# Elements that may be furniture; the class/id test itself is cheaper in Python than in XPath.
_FURNITURE_CANDIDATES = etree.XPath(
    ".//*[@class or @id or " + " or ".join(f"self::{tag}" for tag in sorted(_FURNITURE_TAGS)) + "]"
)
# Flattened lists: "- item", "• item", "– item". An em dash is not here: it opens direct speech.
_BULLET = re.compile(r"^[-•–]\s+(?=\S)")
# In the one-line form a bullet only counts after a finished sentence, so "partnership - probably"
# inside an item is not mistaken for the next item.
_INLINE_BULLET = re.compile(r"(?<=[.!?…\"»”])\s+[-•–]\s+")
# syntok reads at most this much of a paragraph for its first sentence: anything longer is
# shortened to POINT_LIMIT anyway, and syntok costs ~0.7 us per character. _LEAD_CHARS bounds
# the lead sentences read when paragraph openers are too few.
_PREFIX_CHARS = POINT_LIMIT + 70
_LEAD_CHARS = 1000
# syntok's reading of paragraph openers is bounded too: five full ones, about a millisecond.
_OPENER_CHARS = 1600
_MIN_CHARS = 25
_MIN_WORDS = 4
# Share of a sentence's words found in the headline that makes it a repeat of it; a summary must
# be almost nothing but the headline before it is thrown away.
_SENTENCE_REPEAT = 0.5
_SUMMARY_REPEAT = 0.8
# Lines that say where the news came from or point elsewhere (notes: dropping them "helps").
_ATTRIBUTION = re.compile(
    r"^(?:(?:this|that) (?:was|is|has been) (?:reported|announced|stated|said|according)\b"
    r"|it (?:was|has been) reported by\b|as (?:\w+ ){0,4}report(?:ed|s)\b|reported by\b"
    r"|according to\b[^,]{0,80}\breported\b"
    r"|read (?:more|also)\b|see also\b|subscribe\b|(?:photo|source|фото|джерело|источник)\s*:"
    r"|про це (?:повідом|пише|пишуть|заяви|розпові|йдеться|інформу|сказа)|як (?:повідом|пише|перед)"
    r"|читайте (?:також|більше)|дивіться також|підписуйтес"
    r"|об этом (?:сообщ|пишет|пишут|заяви|рассказ|говор|информир)|как (?:сообщ|пишет|перед)"
    r"|читайте также|смотрите также|подписывайтес)",
    re.IGNORECASE,
)
# The publisher speaking of its own coverage: where else to read, that the page is updated, who
# runs the live blog. Live blogs open with these lines, so they are searched for anywhere in a
# sentence, not only at its start; none of them is ever news.
_HOUSE_NOTE = re.compile(
    r"\b(?:read (?:more|it|them) here|(?:this|the) (?:story|article|page|post)"
    r" (?:is being|will be) updated|developing story|follow (?:our|the) live"
    r"|live (?:blog|coverage|updates) (?:on|of|here)|sign up for our|our newsletter"
    r"|читайте\s+(?:тут|нас|новини)|веде\s+(?:текстовий\s+)?онлайн|(?:слідкує|стежить)\s+за\s+"
    r"(?:всіма\s+|усіма\s+)?подіями|інформація\s+оновлюється|новина\s+(?:оновлюється|доповнюється)"
    r"|читайте\s+(?:здесь|нас)|вед[её]т\s+(?:текстовый\s+)?онлайн|следит\s+за\s+(?:всеми\s+)?"
    r"событиями|информация\s+обновляется|новость\s+(?:обновляется|дополняется))\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"]*\"|«[^»]*»|“[^”]*”|„[^“”]*[“”]")
_OPENING_MARKS = "\"'«“„‘-–—"
# A finished statement; headings and captions have no full stop, questions make poor points.
_STATEMENT_END = re.compile(r"[.!…][\"'»”’)\]]*\Z")


@dataclass(frozen=True, slots=True)
class _Source:
    listed: tuple[str, ...]  # the labelled HTML list, cleaned; () when there is none
    text: str  # plain text, one line per paragraph, site furniture left out


def key_points(
    *,
    title: str,
    content_html: str = "",
    summary_html: str = "",
    labels: Sequence[str] = DEFAULT_LABELS,
    max_points: int = 4,
) -> tuple[str, ...]:
    """Up to `max_points` plain-text points (each at most POINT_LIMIT characters), or ()."""
    if max_points <= 0:
        return ()
    content, summary = _read(content_html, labels), _read(summary_html, labels)
    # The publisher's list wins wherever it is; some feeds put it only in the description.
    for source in (content, summary):
        points = source.listed or _flattened_list(source.text, tuple(labels))
        if points:
            return points[:max_points]
    body = content if content.text else summary
    points = best_sentences(body.text, title=title, count=min(3, max_points))
    if points:
        return points
    lead = normalise_space(summary.text)
    if lead and not _repeats(lead, word_stems(title), _SUMMARY_REPEAT):
        return (one_line(lead, POINT_LIMIT),)
    return ()


def explicit_points(html_or_text: str, labels: Sequence[str] = DEFAULT_LABELS) -> tuple[str, ...]:
    """The publisher's labelled list ("Key points" + list), cleaned; () when there is none."""
    source = _read(html_or_text, labels)
    return source.listed or _flattened_list(source.text, tuple(labels))


def labels_with(extra: Iterable[str]) -> tuple[str, ...]:
    """DEFAULT_LABELS and a feed's own labels (the feeds file's `labels`), each once."""
    known = {_label_key(label) for label in DEFAULT_LABELS}
    added = [label for label in extra if _label_key(label) and _label_key(label) not in known]
    return (*DEFAULT_LABELS, *dict.fromkeys(added))


def labelled_points(root: HtmlElement, labels: Sequence[str] = DEFAULT_LABELS) -> tuple[str, ...]:
    """The labelled HTML list in an already parsed tree (a whole page), outside site furniture.

    Leaves the tree as it was, so the caller can still read its main text afterwards.
    """
    for found in _labelled_lists(root, _label_keys(tuple(labels))):
        listed = _clean_items(tree_text(copy.deepcopy(item)) for item in found.iterchildren("li"))
        if len(listed) >= 2:
            return listed
    return ()


def flattened_points(text: str, labels: Sequence[str] = DEFAULT_LABELS) -> tuple[str, ...]:
    """The list as plain text ("Key points" then "- item" lines, or in one line), or ()."""
    return _flattened_list(text, tuple(labels))


def best_sentences(text: str, *, title: str, count: int = 3) -> tuple[str, ...]:
    """Up to `count` sentences in article order: paragraph openers first, then lead sentences."""
    if count <= 0:
        return ()
    paragraphs = [line.strip() for line in text.splitlines() if line and not line.isspace()]
    title_stems = word_stems(title)
    picked: dict[tuple[int, int], str] = {}
    budget = _OPENER_CHARS
    for index, paragraph in enumerate(paragraphs):
        if len(picked) >= count or budget <= 0:
            break
        if _may_open_with_a_point(paragraph):
            head = paragraph[:_PREFIX_CHARS]
            budget -= len(head)
            _consider(picked, (index, 0), first_sentence(head), title_stems)
    budget = _LEAD_CHARS
    for index, paragraph in enumerate(paragraphs):
        if len(picked) >= count or budget <= 0:
            break
        chunk, budget = paragraph[:budget], budget - len(paragraph)
        for position, sentence in enumerate(sentences(chunk)):
            if len(picked) < count:
                _consider(picked, (index, position), sentence, title_stems)
    return tuple(picked[key] for key in sorted(picked))


def _read(markup: str, labels: Sequence[str]) -> _Source:
    """The labelled list, read from the HTML before anything else (notes), and the plain text."""
    if not markup or markup.isspace():
        return _Source((), "")
    root = parse_html(markup) if looks_like_html(markup) else None
    if root is None:
        return _Source((), plain_text(markup))
    for found in list(_labelled_lists(root, _label_keys(tuple(labels)))):
        listed = _clean_items(tree_text(item) for item in found.iterchildren("li"))
        if len(listed) >= 2:  # a one-item "list" is a sentence with a bullet, not a list
            return _Source(listed, "")  # the text is only needed when there is no list
    return _Source((), readable_text(root))


def readable_text(root: HtmlElement) -> str:
    """The text under `root`, one line per paragraph, site furniture left out (uses the tree up)."""
    candidates = _FURNITURE_CANDIDATES(root)
    nodes = candidates if isinstance(candidates, list) else []  # a node-set is always a list
    furniture = [node for node in nodes if isinstance(node, HtmlElement) and _is_furniture(node)]
    return tree_text(root, drop=furniture)


def _labelled_lists(root: HtmlElement, wanted: frozenset[str]) -> Iterator[HtmlElement]:
    """Lists that follow a label element, in document order, outside site furniture."""
    # An element's own text may be only the start of its label: <h2>Key <em>points</em></h2>.
    prefixes = {label[:end].rstrip() for label in wanted for end in range(1, len(label) + 1)}
    longest = max(map(len, wanted), default=0) + 8  # room for spaces and a colon
    for element in root.iter(*_LABEL_TAGS):
        # Cheap tests on the element's own text first: text_content() of a big <div> is costly.
        own = element.text
        if own is None or len(own) > longest or _label_key(own) not in prefixes:
            continue
        key = _label_key(element.text_content())
        if key not in wanted:
            continue
        label = element  # <p><strong>Key points:</strong></p>: the <p> is what the list follows
        parent = label.getparent()
        while parent is not None and parent is not root:
            if _label_key(parent.text_content()) != key:
                break
            label, parent = parent, parent.getparent()
        found = _list_after(label)
        if found is not None and not any(map(_is_furniture, (found, *found.iterancestors()))):
            yield found


def _list_after(label: HtmlElement) -> HtmlElement | None:
    sibling = label.getnext()
    while sibling is not None and (not isinstance(sibling.tag, str) or sibling.tag == "br"):
        sibling = sibling.getnext()  # comments and line breaks between the label and its list
    if sibling is not None:
        if sibling.tag in _LIST_TAGS:
            return sibling
        inner = next(sibling.iter("ul", "ol"), None)
        # A wrapper <div> around the list and nothing else still is "the next element".
        if inner is not None and len(inner.text_content()) == len(sibling.text_content()):
            return inner
    container = label.getparent()
    if container is not None and _mentions(container, _POINTS_NAMES):
        return next(container.iter("ul", "ol"), None)
    return None


def _flattened_list(text: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The list as text: a label line then "- item" lines, or "Label - a. - b. - c. Next ..."."""
    wanted = _label_keys(labels)
    folded = text.casefold()
    present = [label for label in wanted if label in folded]
    if not present:
        return ()  # one C-level scan per label rather than a regex over every line
    lines = text.splitlines()
    for index, line in enumerate(lines):
        folded = line.casefold()
        if not any(label in folded for label in present):
            continue
        if _label_key(line) in wanted:
            following = takewhile(lambda item: _BULLET.match(item) is not None, lines[index + 1 :])
            items = [_BULLET.sub("", item) for item in following]
        else:
            start = _inline_label(labels).search(line)
            if start is None:
                run = _run_after_label(line, labels)
                if run:
                    return run
                continue
            items = _INLINE_BULLET.split(line[start.end() :])
            # The last item runs on into the next heading and body: keep its first sentence.
            items[-1] = first_sentence(items[-1][:_PREFIX_CHARS])
        points = _clean_items(items)
        if len(points) >= 2:
            return points
    return ()


def _run_after_label(line: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """A list whose markup the feed lost: "... Головне на цей час Зливи підтопили ... .
    Селищна рада ... ." The items are the sentences after the label to the paragraph's
    end; a sentence that only continues the one before (a contrast, a pronoun pointing back)
    stays with it, so one fact is one point."""
    start = _run_label(labels).search(line)
    if start is None:
        return ()
    items: list[str] = []
    for sentence in sentences(line[start.end() :]):
        if items and _continues(sentence):
            items[-1] = f"{items[-1]} {sentence}"
        else:
            items.append(sentence)
    if len(items) < 2 or any(len(item) < _MIN_CHARS for item in items):
        return ()
    return _clean_items(items)


def _continues(sentence: str) -> bool:
    words = [word.strip(",.:;—-").casefold() for word in sentence.split()[:4]]
    if len(sentence) < 40 or (words and words[0] in _CONTRASTS):
        return True
    return any(word in _POINTING_BACK for word in words)


# Openers that carry on the previous fact rather than start a new one (en, uk, ru).
_CONTRASTS = frozenset({"однак", "проте", "але", "however", "but", "однако", "но"})
_POINTING_BACK = frozenset(
    {"він", "вона", "вони", "воно", "цій", "цього", "цьому", "них", "яких", "цей", "ця"}
    | {"he", "she", "they", "it", "this", "these", "those", "them"}
    | {"он", "она", "они", "оно", "этой", "этого", "этом", "них", "которых", "этот", "эта"}
)


@lru_cache(maxsize=32)
def _label_keys(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key for key in map(_label_key, labels) if key)


@lru_cache(maxsize=32)
def _inline_label(labels: tuple[str, ...]) -> re.Pattern[str]:
    """A label starting a line or a sentence, then a first bullet: "... Key points - a. - b."."""
    names = "|".join(
        r"\s+".join(map(re.escape, label.split())) for label in labels if label.strip()
    )
    if not names:
        return re.compile(r"(?!)")  # no labels: match nothing rather than everything
    return re.compile(rf"(?:^|(?<=[.!?…]\s))(?:{names})\s*:?\s+[-•–]\s+", re.IGNORECASE)


@lru_cache(maxsize=32)
def _run_label(labels: tuple[str, ...]) -> re.Pattern[str]:
    """A label at a line's or sentence's start, then straight on with a capitalised sentence."""
    # Longest first: "Головне на цей час" must not stop at "Головне".
    ordered = sorted((label for label in labels if label.strip()), key=len, reverse=True)
    names = "|".join(r"\s+".join(map(re.escape, label.split())) for label in ordered)
    if not names:
        return re.compile(r"(?!)")
    return re.compile(rf"(?:^|(?<=[.!?…]\s))(?:{names})\s*:?\s+(?=[^\W\d_])", re.IGNORECASE)


def _clean_items(raw: Iterable[str]) -> tuple[str, ...]:
    points: list[str] = []
    for item in raw:
        point = one_line(_BULLET.sub("", normalise_space(item)), POINT_LIMIT)
        if point and point.casefold() not in {seen.casefold() for seen in points}:
            points.append(point)
    return tuple(points)


def _consider(
    picked: dict[tuple[int, int], str], key: tuple[int, int], sentence: str, title: frozenset[str]
) -> None:
    if key in picked or not _acceptable(sentence, title):
        return
    point = one_line(sentence, POINT_LIMIT)
    if point.casefold() not in {seen.casefold() for seen in picked.values()}:
        picked[key] = point


def _may_open_with_a_point(paragraph: str) -> bool:
    # Headings and captions have no full stop; a rejected start rejects the first sentence too.
    # Both are decided here without paying for syntok.
    has_end = any(mark in paragraph for mark in ".!…")
    return len(paragraph) >= _MIN_CHARS and has_end and not _rejected_start(paragraph)


def _acceptable(sentence: str, title_stems: frozenset[str]) -> bool:
    text = normalise_space(sentence)
    if len(text) < _MIN_CHARS or len(text.split()) < _MIN_WORDS:
        return False
    if _rejected_start(text) or _is_quote(text) or _HOUSE_NOTE.search(text):
        return False
    # Longer sentences were probably cut by the caller's prefix: their end is not known here.
    if len(text) <= POINT_LIMIT and _STATEMENT_END.search(text) is None:
        return False
    return not _repeats(text, title_stems, _SENTENCE_REPEAT)


def _rejected_start(text: str) -> bool:
    # A lower-case start is the tail of a split quote ("..., - said the minister."); a quote mark
    # or a dialogue dash opens direct speech; attribution is recognised by how it begins.
    return text[0].islower() or text[0] in _OPENING_MARKS or _ATTRIBUTION.match(text) is not None


def _is_quote(text: str) -> bool:
    """Direct speech that does not open with a quote mark: mostly quoted all the same."""
    quoted = sum(len(match.group()) for match in _QUOTED.finditer(text))
    return quoted * 2 >= len(text)


def _repeats(text: str, title_stems: frozenset[str], share: float) -> bool:
    stems = word_stems(text)
    return bool(stems and title_stems) and len(stems & title_stems) >= share * len(stems)


def _is_furniture(element: HtmlElement) -> bool:
    return element.tag in _FURNITURE_TAGS or _mentions(element, _FURNITURE_NAMES)


def _mentions(element: HtmlElement, names: re.Pattern[str]) -> bool:
    return names.search(f"{element.get('class', '')} {element.get('id', '')}") is not None


def _label_key(text: str) -> str:
    return normalise_space(text).rstrip(" :：").casefold()
