"""The HTTP client side: fetch feeds and article pages, probe a URL, refuse private addresses."""
