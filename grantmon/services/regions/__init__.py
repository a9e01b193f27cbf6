"""Regions and centres: region figures, centre points and the regions' outlines."""
