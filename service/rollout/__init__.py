"""The move from legacy user records to profiles: the rollout flags, dual write, the read
path that serves legacy readers, and `verify --repair`."""
