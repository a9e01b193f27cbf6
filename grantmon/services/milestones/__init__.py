"""Activities and milestones: the timeline reads and the milestone update command."""
