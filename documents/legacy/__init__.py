"""The legacy user record (shared/LEGACY.md) in code: its profile fields, how they map to
a profile, and how a profile is written back onto them during dual write."""
