"""The picture over an alert: which link preview Telegram is asked to draw, from the chat's
choice and the article.

The bot downloads no image. It names a URL in the message's link_preview_options and Telegram
fetches it and draws the preview (https://core.telegram.org/bots/api#linkpreviewoptions): the
entry's own image when the feed gave one, else the article's page, whose preview shows the
page's own picture. The size preferences only apply to a URL named explicitly, so one is always
named.
"""

from __future__ import annotations

from dataclasses import dataclass

from news.records import Announcement, Article, DigestMessage, Picture
from news.render import linkable


@dataclass(frozen=True, slots=True)
class LinkPreview:
    """A preview to draw: the URL, and whether large above the text (else small beside it)."""

    url: str
    large: bool = False


def link_preview(
    item: Article | Announcement | DigestMessage, picture: Picture
) -> LinkPreview | None:
    """The preview for one outbox row; None for none. Only an alert has a picture: a digest's
    first link would stand for articles it is not about, and an announcement is the admins'
    text as typed."""
    if picture is Picture.OFF or not isinstance(item, Article):
        return None
    url = next((url for url in (item.image, item.link) if linkable(url)), None)
    if url is None:
        return None
    return LinkPreview(url, large=picture is Picture.LARGE)
