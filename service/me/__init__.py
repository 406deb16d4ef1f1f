"""The caller's own use cases (`/v1/me`): the account with its active profile,
onboarding, the caller's profiles (list, add, switch) and their side-by-side comparison."""
