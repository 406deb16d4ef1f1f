"""Routes for admins only: rollout flags, profile templates, choreographer verification."""
