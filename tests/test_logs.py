"""Log lines: key=value or JSON, one per event, and the bot token masked everywhere."""

from __future__ import annotations

import json
import logging
import sys

from bot.logs import MASK, JsonFormatter, KeyValueFormatter, RedactToken

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def record(message: str, *, fields: dict[str, object] | None = None) -> logging.LogRecord:
    entry = logging.LogRecord("jobs.poll", logging.WARNING, __file__, 1, message, None, None)
    if fields is not None:
        entry.fields = fields
    RedactToken(TOKEN).filter(entry)
    return entry


def test_key_value_lines_quote_only_what_needs_it() -> None:
    line = KeyValueFormatter().format(
        record("feed failing", fields={"feed": "https://a.example/rss", "reason": "HTTP 500"})
    )
    assert line.endswith(
        ' WARNING jobs.poll feed failing feed=https://a.example/rss reason="HTTP 500"'
    )


def test_json_lines_carry_the_fields() -> None:
    line = JsonFormatter().format(record("alert sent", fields={"chat": 42, "article": 7}))
    entry = json.loads(line)
    assert (entry["event"], entry["chat"], entry["article"], entry["level"]) == (
        "alert sent",
        42,
        7,
        "WARNING",
    )


def test_the_token_is_masked_in_messages_fields_and_tracebacks() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    masked = record(f"HTTP Request: POST {url}", fields={"url": url})
    assert TOKEN not in KeyValueFormatter().format(masked)
    assert MASK in masked.getMessage()
    try:
        raise RuntimeError(f"failed {url}")
    except RuntimeError:
        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactToken(TOKEN).filter(failing)
    text = JsonFormatter().format(failing)
    assert TOKEN not in text and MASK in json.loads(text)["traceback"]


def test_anything_shaped_like_a_token_is_masked_even_if_it_is_not_ours() -> None:
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    assert RedactToken(TOKEN).redact(f"x {other} y") == f"x {MASK} y"
