"""Under every group: access, audit, commands, entry rules, privacy, filters, caching,
provenance, the database and users. Imports no group."""
