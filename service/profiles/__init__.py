"""Profiles: the kinds, reading them (`reads`), the one write path (`writes`), the one
optimistic-update loop (`updates`), who may write and see what (`access`,
`visibility`), a profile by id, verification and templates; `content` holds the pieces
written on their own."""
