"""Test data, in one place, for the suite and the benchmarks: the legacy sample as it
sat before the migration (`legacy`), generated profiles stored the way the service
stores them (`drawn`, with words to draw from in `words`), and a small named cast of
people for search tests (`cast`)."""
