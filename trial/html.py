"""Telegram's HTML parse mode as the Bot API applies it: the visible text and its entities, or
the 400 Telegram answers (https://core.telegram.org/bots/api#html-style).

Read the way Telegram's own server reads it (tdlib's parse_html): any `<` opens a tag, only the
listed tags exist, every tag must be closed in order, only `&lt; &gt; &amp; &quot;` and numeric
references are entities (another `&` stays as it is), unknown attributes are ignored. Offsets
and lengths are in UTF-16 code units, as in every MessageEntity
(https://core.telegram.org/bots/api#messageentity). Pure: a string in, text and entities out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"
_REFERENCE = re.compile(r"&(?:#[xX]([0-9A-Fa-f]{1,8})|#([0-9]{1,9})|([A-Za-z]{2,6}));")
# What Telegram's apps find in plain text by themselves and mark as entities of the message.
_FOUND = re.compile(
    r"(?P<url>https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
    r"|(?<![\w/])(?P<bot_command>/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{5,32})?)"
    r"|(?<![\w#])(?P<hashtag>#\w*[^\W\d]\w*)"
    r"|(?<![\w@])(?P<mention>@[A-Za-z0-9_]{5,32})"
)


class HtmlError(ValueError):
    """Telegram would answer 400 with this description."""

    def __init__(self, problem: str) -> None:
        self.description = f"Bad Request: can't parse entities: {problem}"
        super().__init__(self.description)


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str  # a MessageEntity type: bold, italic, text_link, hashtag, ...
    offset: int  # UTF-16 code units
    length: int
    url: str | None = None
    language: str | None = None

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"type": self.kind, "offset": self.offset, "length": self.length}
        if self.url is not None:
            found["url"] = self.url
        if self.language is not None:
            found["language"] = self.language
        return found


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(slots=True)
class _Open:
    tag: str
    offset: int  # UTF-16 offset in the visible text
    start: int  # index into the visible text's pieces: the inner text of an <a> without href
    url: str | None
    language: str | None


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[str] = []
        self.offset = 0
        self.open: list[_Open] = []
        self.entities: list[Entity] = []

    def byte(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        self.pieces.append(text)
        self.offset += units(text)

    def read(self) -> tuple[str, list[Entity]]:
        source, i = self.source, 0
        while i < len(source):
            if source[i] == "&":
                i = self.reference(i)
            elif source[i] != "<":
                self.emit(source[i])
                i += 1
            elif source.startswith("</", i):
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.open:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].tag}"')
        return "".join(self.pieces), self.entities

    def reference(self, i: int) -> int:
        match = _REFERENCE.match(self.source, i)
        if match is None or (match[3] and match[3].lower() not in _NAMED):
            self.emit("&")  # not an entity: Telegram keeps the ampersand as it is
            return i + 1
        hexadecimal, decimal, name = match.groups()
        if name:
            self.emit(_NAMED[name.lower()])
        else:
            code = int(hexadecimal, 16) if hexadecimal else int(decimal)
            self.emit(chr(code) if 0 < code <= 0x10FFFF else "\ufffd")
        return match.end()

    def start_tag(self, begin: int) -> int:
        source, i = self.source, begin + 1
        while i < len(source) and source[i] not in _SPACES and source[i] != ">":
            i += 1
        if i == len(source):
            raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
        tag = source[begin + 1 : i].lower()
        if tag not in _TYPES:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self.byte(begin)}')
        attributes, i = self.attributes(begin, i, tag)
        url = attributes.get("href") if tag == "a" else None
        language = None
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(begin)}'
            )
        if tag == "code" and attributes.get("class", "").startswith("language-"):
            language = attributes["class"].removeprefix("language-")
        if tag == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise HtmlError(
                f"Invalid custom emoji identifier specified at byte offset {self.byte(begin)}"
            )
        self.open.append(_Open(tag, self.offset, len(self.pieces), url, language))
        return i + 1

    def attributes(self, begin: int, i: int, tag: str) -> tuple[dict[str, str], int]:
        """The attributes after a tag's name up to its `>`; returns them and the `>`'s index."""
        source, found = self.source, dict[str, str]()
        while True:
            while i < len(source) and source[i] in _SPACES:
                i += 1
            if i == len(source):
                raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
            if source[i] == ">":
                return found, i
            name_end = i
            while name_end < len(source) and (
                source[name_end].isalnum() or source[name_end] in "-_:"
            ):
                name_end += 1
            if name_end == i:
                raise HtmlError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte(begin)}'
                )
            name, i = source[i:name_end].lower(), name_end
            while i < len(source) and source[i] in _SPACES:
                i += 1
            if i == len(source) or source[i] != "=":
                found[name] = ""  # an attribute without a value (<blockquote expandable>)
                continue
            i += 1
            while i < len(source) and source[i] in _SPACES:
                i += 1
            if i == len(source):
                raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
            if source[i] in "\"'":
                close = source.find(source[i], i + 1)
                if close < 0:
                    raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
                value, i = source[i + 1 : close], close + 1
            else:
                end = i
                while end < len(source) and source[end] not in _SPACES and source[end] != ">":
                    end += 1
                value, i = source[i:end], end
            found[name] = html.unescape(value)

    def end_tag(self, begin: int) -> int:
        source = self.source
        close = source.find(">", begin)
        if close < 0:
            raise HtmlError(f"Unclosed end tag at byte offset {self.byte(begin)}")
        tag = source[begin + 2 : close].strip(_SPACES).lower()
        if not self.open:
            raise HtmlError(f"Unexpected end tag at byte offset {self.byte(begin)}")
        top = self.open[-1]
        if tag != top.tag:
            raise HtmlError(
                f"Unmatched end tag at byte offset {self.byte(begin)}, "
                f'expected "</{top.tag}>", found "</{tag}>"'
            )
        self.open.pop()
        length = self.offset - top.offset
        if length > 0:
            url = top.url
            if top.tag == "a" and url is None:  # <a>text</a>: the text is the address
                url = "".join(self.pieces[top.start :])
            self.entities.append(Entity(_TYPES[top.tag], top.offset, length, url, top.language))
        return close + 1


def parse(source: str) -> tuple[str, list[Entity]]:
    """The text a user sees and its entities, as Telegram makes them of a `parse_mode=HTML`
    text: markup read, the text's leading and trailing white space trimmed, the addresses,
    commands, hashtags and mentions in it found. Raises HtmlError as Telegram answers 400."""
    text, entities = _Reader(source).read()
    text, entities = _trimmed(text, entities)
    return text, sorted([*entities, *found(text, entities)], key=lambda e: (e.offset, -e.length))


def plain(text: str) -> tuple[str, list[Entity]]:
    """A text sent without parse_mode: only trimmed, with what Telegram finds in it."""
    text, _ = _trimmed(text, [])
    return text, found(text, [])


def found(text: str, marked: list[Entity]) -> list[Entity]:
    """Addresses, commands, hashtags and mentions in the text outside code and links."""
    taken = [(e.offset, e.offset + e.length) for e in marked if e.kind in _OPAQUE]
    result = []
    for match in _FOUND.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        offset = units(text[: match.start()])
        length = units(match[0])
        if not any(start < offset + length and offset < end for start, end in taken):
            result.append(Entity(kind, offset, length))
    return result


_OPAQUE = frozenset({"code", "pre", "text_link"})


def _trimmed(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram drops white space around a message; entities keep to what is left."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = units(text[: len(text) - len(text.lstrip())])
    size = units(stripped)
    kept = []
    for entity in entities:
        start = max(entity.offset - lead, 0)
        end = min(entity.offset + entity.length - lead, size)
        if end > start:
            kept.append(Entity(entity.kind, start, end - start, entity.url, entity.language))
    return stripped, kept
