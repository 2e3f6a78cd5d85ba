"""What runs on the clock: polling feeds and bundling digests."""
