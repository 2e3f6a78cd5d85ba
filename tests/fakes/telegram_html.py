"""Telegram's HTML parse mode, reimplemented as strictly as the real Bot API applies it.

The fake server uses this to turn a `parse_mode=HTML` text into what the user would see plus
MessageEntity dicts, and to reject exactly the markup that Telegram rejects (with its wording),
so that a renderer bug shows up in the tests instead of in production as a 400.

Deliberately stricter than Telegram in two places, because both are bugs in a bot even when
Telegram lets them through: an unknown attribute on an allowed tag is an error (Telegram
silently ignores it), and so is an unknown named entity such as `&nbsp;` (Telegram shows it
literally).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]

# tag -> MessageEntity type
_TAGS = {
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
_SPACE = " \t\r\n\f\v"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_MENTION = re.compile(r"tg://user\?id=(\d{1,19})")


class HtmlError(ValueError):
    """Telegram would answer `400 Bad Request: <description>`."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram offset and length."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _Open:
    tag: str
    argument: str  # href, code language, or custom emoji id
    offset: int  # UTF-16 offset of the visible text where the tag opened
    text_start: int  # index into the visible-text chunks, to recover the inner text of <a>
    byte_offset: int


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.pos16 = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def fail(self, message: str) -> HtmlError:
        return HtmlError(f"can't parse entities: {message}")

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.pos16 += utf16_len(text)

    def skip_spaces(self, i: int) -> int:
        while i < len(self.src) and self.src[i] in _SPACE:
            i += 1
        return i

    def run(self) -> tuple[str, list[Entity]]:
        i, src = 0, self.src
        while i < len(src):
            c = src[i]
            if c == "&":
                decoded, after = self.entity(i)
                if decoded is not None:
                    self.emit(decoded)
                    i = after
                    continue
            if c != "<":
                self.emit(c)
                i += 1
            elif src.startswith("</", i):
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        return "".join(self.out), _normalize(self.entities)

    def entity(self, i: int) -> tuple[str | None, int]:
        """Decode `&...` at i; None means the `&` is an ordinary character (as in `AT&T`)."""
        src = self.src
        if src.startswith("&#", i):
            hexadecimal = src.startswith(("x", "X"), i + 2)
            j = i + 3 if hexadecimal else i + 2
            digits = re.match(r"[0-9A-Fa-f]+" if hexadecimal else r"[0-9]+", src[j:])
            if digits is None or len(digits.group()) > 8:
                return None, i
            code = int(digits.group(), 16 if hexadecimal else 10)
            if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None, i
            decoded = chr(code)
            j += len(digits.group())
        else:
            name = re.match(r"[A-Za-z]*", src[i + 1 :])
            assert name is not None  # `*` always matches
            j = i + 1 + len(name.group())
            if name.group() not in _NAMED:
                if name.group() and src.startswith(";", j):
                    raise self.fail(
                        f'Unsupported HTML entity "{src[i : j + 1]}" at byte offset '
                        f"{self.byte_offset(i)}"
                    )
                return None, i
            decoded = _NAMED[name.group()]
        if src.startswith(";", j):  # Telegram makes the semicolon optional
            j += 1
        return decoded, j

    def decode_entities(self, begin: int, end: int) -> str:
        """Unescape an attribute value; tags are not special inside quotes."""
        chunks, i = [], begin
        while i < end:
            decoded, after = self.entity(i) if self.src[i] == "&" else (None, i)
            chunks.append(self.src[i] if decoded is None else decoded)
            i = after if decoded is not None else i + 1
        return "".join(chunks)

    def start_tag(self, begin: int) -> int:
        src, at = self.src, self.byte_offset(begin)
        i = begin + 1
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        tag = src[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {at}')
        attributes: dict[str, str | None] = {}
        while True:
            i = self.skip_spaces(i)
            if i >= len(src):
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {at}')
            if src[i] == ">":
                i += 1
                break
            name_start = i
            while i < len(src) and src[i] not in _SPACE and src[i] not in "=>":
                i += 1
            name = src[name_start:i].lower()
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
            i = self.skip_spaces(i)
            value: str | None = None
            if i < len(src) and src[i] == "=":
                value, i = self.attribute_value(self.skip_spaces(i + 1), tag, at)
            attributes[name] = value
        argument = self.check_attributes(tag, attributes, at)
        self.stack.append(_Open(tag, argument, self.pos16, len(self.out), at))
        return i

    def attribute_value(self, i: int, tag: str, at: int) -> tuple[str, int]:
        src = self.src
        if i >= len(src):
            raise self.fail(f'Unclosed start tag "{tag}" at byte offset {at}')
        if src[i] in "\"'":
            end = src.find(src[i], i + 1)
            if end < 0:
                raise self.fail(f"Unclosed end of attribute value at byte offset {at}")
            return self.decode_entities(i + 1, end), end + 1
        token = _NAME_TOKEN.match(src, i)
        assert token is not None  # `*` always matches
        end = token.end()
        if end < len(src) and src[end] not in _SPACE and src[end] != ">":
            raise self.fail(f"Unexpected end of name token at byte offset {self.byte_offset(end)}")
        return token.group().lower(), end

    def check_attributes(self, tag: str, attributes: dict[str, str | None], at: int) -> str:
        """Return the tag's argument; every attribute Telegram would not use is an error."""
        allowed = {
            "a": {"href"},
            "code": {"class"},
            "span": {"class"},
            "blockquote": {"expandable"},
            "tg-emoji": {"emoji-id"},
        }.get(tag, set())
        for name, value in attributes.items():
            if name not in allowed:
                raise self.fail(
                    f'Unsupported attribute "{name}" in the tag "{tag}" at byte offset {at}'
                )
            if (value is None) != (name == "expandable"):
                raise self.fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {at}"
                )
        value = attributes.get("href") or attributes.get("emoji-id") or attributes.get("class")
        if tag == "span" and value != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if tag == "code" and value is not None:
            if not value.startswith("language-"):
                raise self.fail(f'Tag "code" supports only class "language-*" at byte offset {at}')
            return value.removeprefix("language-")
        if tag == "tg-emoji" and not (value or "").isdigit():
            raise self.fail(f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {at}')
        if tag == "blockquote":
            return "expandable" if "expandable" in attributes else ""
        return value or ""

    def end_tag(self, begin: int) -> int:
        src, at = self.src, self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {at}")
        i = begin + 2
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        i = self.skip_spaces(i)
        if i >= len(src) or src[i] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {at}")
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {at}, expected "</{opened.tag}>", '
                f'found "</{name}>"'
            )
        self.close(opened)
        return i + 1

    def close(self, opened: _Open) -> None:
        length = self.pos16 - opened.offset
        if length == 0:  # Telegram drops empty entities
            return
        entity: Entity = {"type": _TAGS[opened.tag], "offset": opened.offset, "length": length}
        if opened.tag == "a":
            url = opened.argument or "".join(self.out[opened.text_start :])
            mention = _MENTION.fullmatch(url)
            if mention:
                user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
                entity.update(type="text_mention", user=user)
            else:
                entity["url"] = url
        elif opened.tag == "code" and opened.argument:
            entity["_language"] = opened.argument  # only meaningful directly inside <pre>
        elif opened.tag == "pre":
            last = self.entities[-1] if self.entities else None
            if (
                last is not None
                and "_language" in last
                and (last["offset"], last["length"]) == (opened.offset, length)
            ):
                # <pre><code class="language-x">...</code></pre> is one pre entity with a language
                self.entities[-1] = {**entity, "language": last["_language"]}
                return
        elif opened.tag == "blockquote" and opened.argument:
            entity["type"] = "expandable_blockquote"
        elif opened.tag == "tg-emoji":
            entity["custom_emoji_id"] = opened.argument
        self.entities.append(entity)


def _normalize(entities: list[Entity]) -> list[Entity]:
    """Sort like Telegram and drop entities nested in an identical one (<b><b>x</b></b>)."""
    clean = [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]
    clean.sort(key=lambda e: (e["offset"], -e["length"]))
    kept: list[Entity] = []
    for entity in clean:
        same = {k: v for k, v in entity.items() if k not in ("offset", "length")}
        end = entity["offset"] + entity["length"]
        if not any(
            {k: v for k, v in outer.items() if k not in ("offset", "length")} == same
            and outer["offset"] <= entity["offset"]
            and end <= outer["offset"] + outer["length"]
            for outer in kept
        ):
            kept.append(entity)
    return kept


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Return (visible text, MessageEntity dicts) or raise HtmlError like Telegram would."""
    return _Parser(source).run()


def strip_message(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram trims leading and trailing whitespace of a message and clips entities to match."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    clipped: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped
