"""Discovery search: the query (`query`), the backend interface (`backend`), the use case
that signs cursors and decides what callers see (`discovery`), and the two backends:
`tokens` (the default) and `text` (MongoDB `$text`)."""
