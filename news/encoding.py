"""Character-encoding repairs that feedparser (with chardet) cannot make on its own.

feedparser honours the HTTP charset, the XML prolog and, for undeclared legacy bytes, chardet's
guess. Two real-world cases still come out wrong (tests/test_encoding.py has both):
UTF-16/32 with neither a byte-order mark nor a declaration, and UTF-8 bytes behind a false
single-byte label ("windows-1252" or "ISO-8859-1" in the prolog or header). Both are fixed by
handing feedparser UTF-8 and saying so.
"""

from __future__ import annotations

import codecs
import re

# A document that starts with "<" spread over NUL bytes is UTF-16/32 whatever it claims.
_WIDE_STARTS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_SINGLE_BYTE = re.compile(
    r"^(windows-125\d|cp125\d|iso-?8859-\d+|latin-?1|koi8-[ru]|us-ascii|ascii)$"
)
_PROLOG_ENCODING = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*\"?([\w.:-]+)", re.IGNORECASE)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def repair(body: bytes, content_type: str) -> tuple[bytes, str]:
    """The body and content type to give feedparser: unchanged unless the labels are wrong."""
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body, content_type  # a byte-order mark is unambiguous; feedparser reads it
    for start, wide in _WIDE_STARTS:
        if body.startswith(start):
            text = body.decode(wide, errors="replace")
            return _as_utf8(text.encode("utf-8"), content_type)
    declared = _declared(body, content_type)
    if declared and _SINGLE_BYTE.match(declared) and _is_multibyte_utf8(body):
        return _as_utf8(body, content_type)
    return body, content_type


def _declared(body: bytes, content_type: str) -> str | None:
    header = _HEADER_CHARSET.search(content_type)
    if header:
        return header.group(1).lower()
    prolog = re.search(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']+)""", body[:200])
    return prolog.group(1).decode("ascii", "replace").lower() if prolog else None


def _is_multibyte_utf8(body: bytes) -> bool:
    """Valid UTF-8 with at least one multi-byte character: legacy 8-bit text almost never is."""
    if not _HIGH_BYTE.search(body):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _as_utf8(body: bytes, content_type: str) -> tuple[bytes, str]:
    body = _PROLOG_ENCODING.sub(rb"\1\2utf-8\2", body, count=1)
    media = content_type.split(";", 1)[0].strip() or "application/xml"
    if media in {"text/plain", "application/octet-stream"}:
        media = "application/xml"
    return body, f"{media}; charset=utf-8"
