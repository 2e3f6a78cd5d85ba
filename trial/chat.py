"""The chat with the bot in a terminal (prompt_toolkit): the bot's messages as they come, the
newest buttons numbered, a line typed by the person sent as Telegram would send it."""

from __future__ import annotations

import shutil
from collections.abc import Iterable

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import get_app_or_none
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.renderer import print_formatted_text as write
from prompt_toolkit.styles import Style

from trial import look
from trial.emulator import BotApi, Button, Deleted, Edited, Event, Message, Refused, Shown, Toast

PROMPT = "you › "
_STYLE = Style([])  # the messages carry their own inline styles


class Menu(Completer):
    """The bot's command menu (setMyCommands) in the person's language, as Telegram's apps
    offer it after a `/`."""

    def __init__(self, api: BotApi) -> None:
        self.api = api

    def get_completions(self, document: Document, _: CompleteEvent) -> Iterable[Completion]:
        typed = document.text_before_cursor
        if not typed.startswith("/") or " " in typed:
            return
        for name, description in self.api.menu():
            if name.startswith(typed[1:].lower()):
                yield Completion(f"/{name}", -len(typed), display_meta=description)


class Chat:
    """What the person sees and does; `show` is the emulator's `watch`."""

    def __init__(self) -> None:
        self.api: BotApi | None = None
        self.pressable: tuple[int, tuple[Button, ...]] | None = None  # the newest buttons

    def show(self, event: Event) -> None:
        if isinstance(event, Shown | Edited):
            self._message(event.message)
        elif isinstance(event, Deleted):
            if self.pressable and self.pressable[0] == event.message_id:
                self.pressable = None
            self.note("(the bot deleted a message)")
        elif isinstance(event, Toast):
            style = "reverse" if event.alert else "italic fg:ansibrightblack"
            _print([("", look.INDENT), (style, f" {event.text} ")])
        elif isinstance(event, Refused):
            _print(
                [
                    ("bold fg:ansired", f"⚠ Telegram would refuse {event.method}: "),
                    ("fg:ansired", event.description),
                ]
            )

    def note(self, text: str) -> None:
        """A line from try mode itself, not from the bot."""
        _print([("fg:ansibrightblack", text)])

    async def talk(self, api: BotApi) -> None:
        """Read lines until Ctrl+D or Ctrl+C."""
        self.api = api
        session: PromptSession[str] = PromptSession(
            completer=Menu(api), complete_while_typing=True, reserve_space_for_menu=4
        )
        while True:
            try:
                line = await session.prompt_async(PROMPT)
            except (EOFError, KeyboardInterrupt):
                return
            self.say(api, line.strip())

    def say(self, api: BotApi, line: str) -> None:
        """A bare number presses that button of the newest message that has buttons; anything
        else is sent as text."""
        if not line:
            return
        if line.isdigit() and self.pressable is not None:
            message_id, buttons = self.pressable
            number = int(line)
            if not 1 <= number <= len(buttons):
                self.note(f"There is no button {number}: the buttons are 1-{len(buttons)}.")
                return
            button = buttons[number - 1]
            if button.url:
                self.note(f"(Telegram would open {button.url} in the browser)")
            elif button.data is not None:
                self.note(f"(you pressed {button.text})")
                api.press(message_id, button.data)
            return
        api.send(line)

    def _message(self, message: Message) -> None:
        flat = tuple(button for row in message.buttons for button in row)
        if flat:
            self.pressable = (message.message_id, flat)
        elif self.pressable and self.pressable[0] == message.message_id:
            self.pressable = None
        width = shutil.get_terminal_size().columns
        _print(look.message(message, 1 if flat else None, width))


def _print(parts: list[tuple[str, str]] | FormattedText) -> None:
    """Above the prompt while one is open: the prompt is erased, the lines written, the prompt
    drawn again. prompt_toolkit's own run_in_terminal would put the terminal in cooked mode
    meanwhile, where a Ctrl+D typed at that moment is the terminal's end of file and is lost."""
    lines = FormattedText([*parts, ("", "\n")])
    app = get_app_or_none()
    if app is None or not app.is_running:
        print_formatted_text(lines, end="")
        return
    app.renderer.erase()
    write(app.output, lines, _STYLE)
    app.output.flush()
    app.invalidate()
