"""Personal and follow-up digests: when they are due, what they contain, how they read."""
