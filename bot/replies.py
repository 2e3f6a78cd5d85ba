"""What the bot says in chat, as Telegram HTML. Everything user- or feed-supplied is escaped."""

from __future__ import annotations

from collections.abc import Iterable

from news.render import escape
from news.topics import Vocabulary

# (command, one-line description): the /help text and the menu registered with setMyCommands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "What this bot does and how to begin"),
    ("topics", "All topics, and the ones this chat follows"),
    ("subscribe", "Follow a topic: /subscribe Politics"),
    ("unsubscribe", "Stop following a topic: /unsubscribe Politics"),
    ("latest", "The 5 newest headlines: /latest or /latest World"),
    ("help", "Every command, one line each"),
)


def _topic_list(vocabulary: Vocabulary) -> str:
    return ", ".join(f"<b>{escape(name)}</b>" for name in vocabulary.names)


def greeting(vocabulary: Vocabulary, first_name: str | None) -> str:
    hello = f"Hi, {escape(first_name)}!" if first_name else "Hi!"
    example = escape(vocabulary.names[0]) if vocabulary.names else "Politics"
    return (
        f"{hello} I'm newsbot. I watch news feeds and send you the key points of every new "
        "article on the topics you follow: headline, date, 2-4 key points and the link.\n\n"
        f"Topics: {_topic_list(vocabulary)}\n\n"
        f"Follow one with /subscribe {example}. /help lists every command."
    )


def help_text() -> str:
    lines = ["<b>What I can do</b>"]
    lines += [f"/{command} - {escape(description)}" for command, description in COMMANDS]
    return "\n".join(lines)


def topics(vocabulary: Vocabulary, followed: Iterable[str]) -> str:
    followed = set(followed)
    lines = ["<b>Topics</b> (✅ = this chat follows it)"]
    lines += [f"{'✅' if name in followed else '▫️'} {escape(name)}" for name in vocabulary.names]
    lines.append("")
    if followed:
        lines.append("Change with /subscribe TOPIC or /unsubscribe TOPIC.")
    else:
        lines.append("You follow nothing yet. Try /subscribe " + escape(vocabulary.names[0]) + ".")
    return "\n".join(lines)


def usage(command: str, vocabulary: Vocabulary) -> str:
    example = escape(vocabulary.names[0]) if vocabulary.names else "Politics"
    return (
        f"Which topic? Send it after the command, for example:\n/{command} {example}\n\n"
        f"Topics: {_topic_list(vocabulary)}"
    )


def unknown_topic(spelling: str, vocabulary: Vocabulary) -> str:
    guess = vocabulary.closest(spelling)
    hint = f" Did you mean <b>{escape(guess)}</b>?" if guess else ""
    return (
        f"I don't know the topic “{escape(spelling[:100])}”.{hint}\n\n"
        f"Topics: {_topic_list(vocabulary)}"
    )


def subscribed(topic: str, *, already: bool) -> str:
    if already:
        return f"You already follow <b>{escape(topic)}</b>."
    return (
        f"✅ You now follow <b>{escape(topic)}</b>. New articles will arrive here as they appear."
        "\n/latest shows what is already out there."
    )


def unsubscribed(topic: str, *, was_following: bool) -> str:
    if not was_following:
        return f"You weren't following <b>{escape(topic)}</b>. /topics shows what you follow."
    return f"Done: no more <b>{escape(topic)}</b> alerts. /topics shows what you still follow."


def no_articles(topic: str | None) -> str:
    where = f" on <b>{escape(topic)}</b>" if topic else ""
    return f"No articles{where} yet: the feeds may still be loading. Try again in a few minutes."


def unknown_command() -> str:
    return "I don't know that command. /help lists everything I can do."


def apology() -> str:
    return "Sorry, something went wrong on my side. Please try again in a moment."
