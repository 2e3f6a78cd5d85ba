"""Prometheus metrics and liveness beats for one running bot.

Each bot gets its own registry (no process-global state), so tests can run several side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds from an article's discovery to its delivery: instant alerts land in the first buckets,
# digests and rate-limited fan-outs in the later ones.
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600)


class Metrics:
    def __init__(self) -> None:
        registry = self.registry = CollectorRegistry(auto_describe=True)
        self.polls = Counter(
            "newsbot_polls",
            "Feed polls by result (200, 304, error kind)",
            ["result"],
            registry=registry,
        )
        self.new_articles = Counter(
            "newsbot_articles_new", "New articles stored", registry=registry
        )
        self.alerts_matched = Counter(
            "newsbot_alerts_matched", "Deliveries queued for matched articles", registry=registry
        )
        self.sent = Counter("newsbot_messages_sent", "Alerts Telegram accepted", registry=registry)
        self.failed = Counter(
            "newsbot_messages_failed", "Alerts given up, by reason", ["reason"], registry=registry
        )
        self.too_many_requests = Counter(
            "newsbot_telegram_429", "HTTP 429 answers received from Telegram", registry=registry
        )
        self.outbox_depth = Gauge(
            "newsbot_outbox_depth", "Deliveries waiting to be sent", registry=registry
        )
        self.active_chats = Gauge(
            "newsbot_active_chats", "Chats receiving alerts", registry=registry
        )
        self.subscriptions = Gauge(
            "newsbot_subscriptions", "Subscriptions per topic", ["topic"], registry=registry
        )
        self.delivery_latency = Histogram(
            "newsbot_discovery_to_delivery_seconds",
            "Time from an article's discovery to its delivery",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.beats: dict[str, datetime] = {}

    def beat(self, part: str, now: datetime) -> None:
        """A part (poller, sender) says it finished a round; /healthz reads these."""
        self.beats[part] = now

    def gauges(self, *, outbox: int, chats: int, per_topic: Mapping[str, int]) -> None:
        self.outbox_depth.set(outbox)
        self.active_chats.set(chats)
        self.subscriptions.clear()
        for topic, count in per_topic.items():
            self.subscriptions.labels(topic=topic).set(count)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def poll_result(status: int | None, reason: str | None) -> str:
    """A low-cardinality label for one poll: "200", "304" or "error:<kind>"."""
    if reason is None:
        return str(status or 200)
    text = reason.lower()
    for needle, kind in (
        ("timed out", "timeout"),
        ("body over", "too_large"),
        ("not a feed", "not_a_feed"),
        ("malformed", "malformed"),
        ("gone", "gone"),
        ("connection", "connection"),
        ("host not found", "dns"),
        ("tls", "tls"),
    ):
        if needle in text:
            return f"error:{kind}"
    if status is not None:
        return f"error:http_{status // 100}xx"
    return "error:other"
