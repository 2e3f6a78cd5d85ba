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


def message(shown: Message, numbers: int | None) -> FormattedText:
    """The message under a header line; its buttons numbered from 1 when `numbers` is 1, and
    shown without numbers when None (only the newest message's buttons can be pressed)."""
    header = "newsbot (edited)" if shown.edited else "newsbot"
    parts: list[tuple[str, str]] = [("bold fg:ansimagenta", header), ("", "\n")]
    parts += _indented(styled(shown.text, list(shown.entities)))
    parts += buttons(shown.buttons, numbers)
    return FormattedText(parts)


def styled(text: str, entities: list[Entity]) -> list[tuple[str, str]]:
    """The text in runs of one style each; a link's address follows its text in brackets."""
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
    runs: list[tuple[str, str]] = []
    for index, char in enumerate(text):
        runs.append((" ".join(styles[index]), char))
        if index in after:
            runs.append(("fg:ansibrightblack", f" ({after[index]})"))
    return [(style, "".join(c for _, c in run)) for style, run in groupby(runs, lambda r: r[0])]


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


def _indented(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    parts = [("", INDENT)]
    for style, text in runs:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if index:
                parts.append(("", "\n" + INDENT))
            if line:
                parts.append((style, line))
    parts.append(("", "\n"))
    return parts


def _unit_offsets(text: str) -> dict[int, int]:
    """UTF-16 offset -> index in `text`, for every character boundary."""
    offsets, position = {}, 0
    for index, char in enumerate(text):
        offsets[position] = index
        position += units(char)
    offsets[position] = len(text)
    return offsets
