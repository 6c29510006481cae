"""Members: the Member aggregate, its events, and the commands that act on it."""
