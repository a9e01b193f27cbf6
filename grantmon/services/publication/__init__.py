"""Publication of the award to open-data standards (IATI), in the donor's view."""
