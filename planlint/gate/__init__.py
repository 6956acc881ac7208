"""The approval gate: evidence gathered from GitHub, judged by pure functions against the destructive digest."""
