"""Members' use cases: the Community application that records members, and demo seeding."""
