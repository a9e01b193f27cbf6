"""The read API at /api/v1, served beside the dashboard: a token becomes its user's actor, then
the same service reads the screens make answer, with the same privacy.

It stands beside grantmon.ui and grantmon.cli: it calls services, never either of them.
"""
