"""Reintegration outcomes: the funnel, trends and breakdowns, and the figures entry command."""
