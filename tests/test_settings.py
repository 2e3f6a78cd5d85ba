"""Every setting the bot reads is documented where an operator looks for it."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def documented(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text(encoding="utf-8"), re.MULTILINE))


def test_env_example_lists_exactly_the_settings() -> None:
    keys = {name.upper() for name in Settings.model_fields}
    assert documented(ROOT / ".env.example", r"^#?\s?([A-Z][A-Z_]+)=") == keys


def test_readme_documents_every_setting() -> None:
    keys = {name.upper() for name in Settings.model_fields}
    assert keys <= documented(ROOT / "README.md", r"`([A-Z][A-Z_]+)`")


def test_admin_ids_read_from_a_comma_separated_list() -> None:
    settings = Settings(_env_file=None, admin_ids="12, 34;56")
    assert settings.admin_ids == frozenset({12, 34, 56})
