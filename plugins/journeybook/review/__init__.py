"""For reviewers: what a change does to the journeys, read from git (`journeybook diff`)."""
