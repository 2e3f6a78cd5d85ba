"""Messages out to Telegram: the outbox sender, the one rate limiter, what its answers mean, and
the deletion of expired channel commands and answers."""
