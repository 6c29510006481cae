"""Interactions: the Interaction aggregate, its kinds, and the engagement rule that scores them."""
