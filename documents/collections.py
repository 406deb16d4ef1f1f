"""Every collection of the database, in one place, and what of a person each holds:
erasure (`service.accounts.erasure`) reaches every collection of `PERSON_DATA`."""

USERS = "users"
DANCERS = "dancers"
CHOREOGRAPHERS = "choreographers"
PROJECTS = "projects"
TRAINING = "training"
FEATURE_FLAGS = "feature_flags"
PROFILE_TEMPLATES = "profile_templates"
MIGRATION_STATE = "migration_state"
MIGRATION_LOCK = "migration_lock"
MIGRATION_ISSUES = "migration_issues"
LEGACY_BACKUP = "legacy_user_backup"
MIGRATION_UNDO = "migration_undo"

PERSON_DATA: dict[str, str] = {
    USERS: "the account (and, during the rollout, the legacy profile fields), by `_id`",
    DANCERS: "the dancer profile with its sections, by `userId`",
    CHOREOGRAPHERS: "the choreographer profile with its sections, by `userId`",
    PROJECTS: "project credits, by `userId` or `profileId`",
    TRAINING: "training records, by `userId` or `profileId`",
    MIGRATION_ISSUES: "legacy values the migration could not carry over, by `userId`",
    LEGACY_BACKUP: "legacy values the destructive step removed, by `_id` (the user's)",
    MIGRATION_UNDO: "reference values a forward migration overwrote, by `userId`",
    FEATURE_FLAGS: "the `authId` in the rollout's read allowlist",
}
"""Collections that hold something of a person, and where."""
SERVICE_DATA: dict[str, str] = {
    PROFILE_TEMPLATES: "admin-defined starter fields of new profiles",
    MIGRATION_STATE: "the state of each migration script",
    MIGRATION_LOCK: "the migration runner's lock",
}
"""Collections that hold nothing of a person."""
ALL_COLLECTIONS = (*PERSON_DATA, *SERVICE_DATA)
