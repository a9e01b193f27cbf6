"""Where the award stands: its "as of" date, verdicts by area, and what its end needs."""
