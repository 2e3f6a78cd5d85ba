"""How `newsbot try` shows a bot message in the terminal: formatting kept, a link's address
after its text, the buttons numbered for pressing."""

from __future__ import annotations

from trial import look
from trial.emulator import Button, Message
from trial.html import parse


def screen(message: Message, numbers: int | None = 1, width: int = 80) -> str:
    return "".join(fragment[1] for fragment in look.message(message, numbers, width))


def test_a_message_reads_as_in_telegram_with_its_buttons_numbered() -> None:
    text, entities = parse(
        '#World\n<b>Bridge reopens</b>\n• Masons replaced stones\n<a href="https://e.example/b">Source</a>'
    )
    rows = ((Button("Read", url="https://e.example/b"), Button("⭐ Save", data="sv:1")),)
    shown = Message(7, text, tuple(entities), rows, edited=True)
    assert screen(shown) == (
        "newsbot (edited)\n"
        "  #World\n"
        "  Bridge reopens\n"
        "  • Masons replaced stones\n"
        "  Source (https://e.example/b)\n"
        "  [1] Read ↗  [2] ⭐ Save\n"
    )
    styles = {fragment[1]: fragment[0] for fragment in look.message(shown, 1)}
    assert "bold" in styles["Bridge reopens"]
    assert "ansicyan" in styles["#World"]


def test_long_lines_wrap_under_the_indent() -> None:
    text, entities = parse("one two three four five six")
    assert screen(Message(1, text, tuple(entities)), width=22) == (
        "newsbot\n  one two three four\n  five six\n"
    )
