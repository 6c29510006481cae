"""The community's domain: members and their lifecycle, as events. No I/O here."""
