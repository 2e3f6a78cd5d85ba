"""What runs on the clock: polling feeds and delivering alerts."""
