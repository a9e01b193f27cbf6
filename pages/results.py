"""Placeholder while the screen is built."""

from ui.page import start_page

start_page(__file__, "results")
