"""Names of the collections the migrations read and write (not today's models)."""

USERS = "users"
DANCERS = "dancers"
CHOREOGRAPHERS = "choreographers"
PROJECTS = "projects"
TRAINING = "training"

STATE = "migration_state"
LOCK = "migration_lock"
ISSUES = "migration_issues"
LEGACY_BACKUP = "legacy_user_backup"
UNDO = "migration_undo"

PROFILE_COLLECTIONS = {"dancer": DANCERS, "choreographer": CHOREOGRAPHERS}
USER_REF_FIELDS = {"dancer": "activeDancerId", "choreographer": "activeChoreographerId"}
