"""Tests of bot.net (the HTTP client) and bot.sources (parsers and collectors)."""
