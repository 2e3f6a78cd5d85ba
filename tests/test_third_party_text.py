"""Publishers' and other projects' text stays in ../shared beside the checkout, never in the repo.

Tests and benches read real pages and feeds from there at run time; what the repository keeps is
the project's own writing and pointers (paths, links, offsets). This looks for any run of eight
words of those texts in the files git tracks.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RUN = 8  # words: long enough that a shared phrase is a copy, not a coincidence
_TAG = re.compile(r"<[^>]*>|<!\[CDATA\[|\]\]>")
_URL = re.compile(r"\bhttps?://\S+")  # links are pointers, and their slugs read as words
_WORD = re.compile(r"[^\W_]+")


def words(raw: str) -> list[str]:
    text = html.unescape(html.unescape(raw))  # feeds escape their HTML, some of it twice
    text = _URL.sub(" ", _TAG.sub(" ", text))
    return [word.casefold() for word in _WORD.findall(text)]


def third_party_files() -> Iterator[Path]:
    yield from sorted((SHARED / "seed").glob("*.txt"))
    yield from sorted(path for path in (SHARED / "corpus").rglob("*") if path.is_file())
    yield from sorted((SHARED / "stories").glob("*.jsonl"))


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of the repository's files")
    return [name for name in listed.decode().split("\0") if name]


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"no {SHARED} beside the checkout")
def test_no_run_of_eight_words_from_shared_texts_is_in_the_repository() -> None:
    runs: dict[tuple[str, ...], set[str]] = {}
    for name in tracked_files():
        try:
            text = (REPO / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):  # binary, or deleted in the work tree
            continue
        found = words(text)
        for start in range(len(found) - RUN + 1):
            runs.setdefault(tuple(found[start : start + RUN]), set()).add(name)
    copies = []
    for path in third_party_files():
        found = words(path.read_bytes().decode("utf-8", "replace"))
        for start in range(len(found) - RUN + 1):
            where = runs.get(tuple(found[start : start + RUN]))
            if where:
                shown = " ".join(found[start : start + RUN])
                copies.append(f"{path.relative_to(SHARED)}: {shown!r} in {sorted(where)}")
    assert not copies, "\n".join(copies[:20])
