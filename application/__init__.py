"""Application services: load, act, save, over the event store and the key store."""
