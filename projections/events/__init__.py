"""Read models of community events: figures per event and each member's events."""
