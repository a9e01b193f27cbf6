"""Centres and their occupancy: the entry commands of the centres screen."""
