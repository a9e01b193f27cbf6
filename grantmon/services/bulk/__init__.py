"""Bulk import and export of figures: CSV and Excel files, all-or-nothing."""
