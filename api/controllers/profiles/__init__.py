"""`/v1/dancers/{id}` and `/v1/choreographers/{id}`: one profile, and its content a piece at
a time (headshots, parts, sections, project and training records); the dance styles."""
