"""Read models fed from the notification log, and the engine that feeds them."""
