"""The conduct read model: incidents, their history, and members' standing."""
