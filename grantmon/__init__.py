"""Grant monitor: application settings, translation and command line."""
