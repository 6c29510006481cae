"""Consent: what each member agreed to, per purpose, with the text they were shown as proof."""
