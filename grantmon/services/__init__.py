"""Read models, commands, privacy and access rules; plain functions, no user interface."""
