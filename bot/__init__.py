"""How people talk to newsbot: the Telegram application, its commands, settings and CLI."""
