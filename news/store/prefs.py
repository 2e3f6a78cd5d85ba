"""A chat row as the rest of the code sees it: news.records.ChatPrefs."""

from __future__ import annotations

from dataclasses import fields

from news.records import ChatMode, ChatPrefs, Layout, Picture, QuietMode
from news.store.schema import ChatRow

_PREF_FIELDS = tuple(field.name for field in fields(ChatPrefs))


def prefs_of(row: ChatRow) -> ChatPrefs:
    values = {name: getattr(row, name) for name in _PREF_FIELDS}
    values["digest_times"] = tuple(row.digest_times or ())
    values["mode"] = ChatMode(row.mode)
    values["quiet_mode"] = QuietMode(row.quiet_mode)
    values["layout"] = Layout(row.layout)
    values["picture"] = Picture(row.picture)
    return ChatPrefs(**values)
