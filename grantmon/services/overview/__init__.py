"""The Overview's headline figures, drawn from the other groups."""
