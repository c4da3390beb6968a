"""State: the SQLite store (events by eventID, emitted alerts) and what the stream tells."""
