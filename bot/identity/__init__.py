"""Identity: who is behind a channel address, proved by a one-time code or by the channel."""
