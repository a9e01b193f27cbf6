"""Briefing packs (PDF, PowerPoint) and the chart images in them, as the dashboard draws them."""
