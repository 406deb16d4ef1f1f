"""A profile's content changed a piece at a time: headshots, parts (links, resume,
representation), the phase-6 sections, and the project and training records."""
