"""Seed data: the public facts about the grant, and an optional demo data set."""
