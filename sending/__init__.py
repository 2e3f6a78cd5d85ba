"""Messages out to Telegram: the outbox sender, the one rate limiter, what its answers mean."""
