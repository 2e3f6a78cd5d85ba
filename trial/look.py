"""How a chat message looks in a terminal: its entities as styles, a link's address after its
text, the buttons numbered. Pure: a message in, prompt_toolkit formatted text out."""

from __future__ import annotations

from itertools import groupby

from prompt_toolkit.formatted_text import FormattedText

from trial.emulator import Button, Message
from trial.html import Entity, units

_STYLES = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strike",
    "spoiler": "reverse",
    "code": "fg:ansigreen",
    "pre": "fg:ansigreen",
    "blockquote": "italic",
    "text_link": "underline fg:ansiblue",
    "url": "underline fg:ansiblue",
    "hashtag": "fg:ansicyan",
    "bot_command": "fg:ansiblue",
    "mention": "fg:ansiblue",
}
INDENT = "  "


def message(shown: Message, numbers: int | None, width: int = 80) -> FormattedText:
    """The message under a header line, wrapped to `width` columns; its buttons numbered from
    1 when `numbers` is 1, and shown without numbers when None."""
    header = "newsbot (edited)" if shown.edited else "newsbot"
    parts: list[tuple[str, str]] = [("bold fg:ansimagenta", header), ("", "\n")]
    for line in _lines(styled(shown.text, list(shown.entities))):
        for row in _wrapped(line, max(width - len(INDENT), 20)):
            parts += [("", INDENT), *_runs(row), ("", "\n")]
    parts += buttons(shown.buttons, numbers)
    return FormattedText(parts)


def styled(text: str, entities: list[Entity]) -> list[tuple[str, str]]:
    """Each character with its style; a link's address follows its text in brackets."""
    starts = _unit_offsets(text)
    styles: list[list[str]] = [[] for _ in text]
    after: dict[int, str] = {}  # text index -> link address shown after it
    for entity in entities:
        first, last = starts.get(entity.offset), starts.get(entity.offset + entity.length)
        if first is None or last is None or entity.kind not in _STYLES:
            continue
        for index in range(first, last):
            styles[index].append(_STYLES[entity.kind])
        if entity.kind == "text_link" and entity.url and entity.url != text[first:last]:
            after[last - 1] = entity.url
    chars: list[tuple[str, str]] = []
    for index, char in enumerate(text):
        chars.append((" ".join(styles[index]), char))
        if index in after:
            chars += [("fg:ansibrightblack", char) for char in f" ({after[index]})"]
    return chars


def _lines(chars: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = [[]]
    for style, char in chars:
        if char == "\n":
            lines.append([])
        else:
            lines[-1].append((style, char))
    return lines


def _wrapped(line: list[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    """The line cut at spaces into rows of at most `width` characters (a longer word alone)."""
    rows = []
    while len(line) > width:
        cut = max((i for i in range(width + 1) if line[i][1] == " "), default=width)
        cut = cut or width
        rows.append(line[:cut])
        line = line[cut + 1 if line[cut][1] == " " else cut :]
    rows.append(line)
    return rows


def _runs(chars: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(style, "".join(c for _, c in run)) for style, run in groupby(chars, lambda c: c[0])]


def buttons(rows: tuple[tuple[Button, ...], ...], numbers: int | None) -> list[tuple[str, str]]:
    """One line per row of buttons: `[1] ➕ World  [2] ✅ Politics`; a link button marked ↗."""
    parts: list[tuple[str, str]] = []
    number = numbers
    for row in rows:
        parts.append(("", INDENT))
        for button in row:
            label = f"[{number}] {button.text}" if number is not None else f"[{button.text}]"
            parts.append(("bold fg:ansiyellow" if number is not None else "fg:ansiyellow", label))
            if button.url:
                parts.append(("fg:ansibrightblack", " ↗"))
            parts.append(("", "  "))
            number = None if number is None else number + 1
        parts[-1] = ("", "\n")
    return parts


def _unit_offsets(text: str) -> dict[int, int]:
    """UTF-16 offset -> index in `text`, for every character boundary."""
    offsets, position = {}, 0
    for index, char in enumerate(text):
        offsets[position] = index
        position += units(char)
    offsets[position] = len(text)
    return offsets
