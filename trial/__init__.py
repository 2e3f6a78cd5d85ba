"""`newsbot try`: the real bot in a terminal chat, against a local Telegram Bot API emulator.

The layer above bot: it starts the application bot/app.py builds and plays Telegram and the
person for it."""
