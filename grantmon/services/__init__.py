"""Reads and commands, plain functions with no user interface, grouped by what they serve.

Each group (results, milestones, centres, regions, reintegration, budget, briefing, bulk,
workflow, overview) holds the reads and commands behind its screens; `core` holds what every
group shares (access, audit, commands, entry rules, privacy, filters, caching, provenance).
"""
