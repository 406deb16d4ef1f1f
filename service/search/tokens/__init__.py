"""The `tokens` backend: rank levels, walks over the postings of derived tokens, facets,
and the two ways of reading postings (in index order, the production path; in `rankKey`
windows, for a server that sorts in memory)."""
