"""Accounts: finding a caller's user document, remembering which account a subject has,
and erasing an account with everything of the person."""
