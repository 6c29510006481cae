"""Imports keep no read model of their own: what they write is members and interactions."""
