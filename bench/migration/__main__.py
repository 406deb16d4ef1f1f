"""`python -m bench.migration`: the migration benchmark (`bench.migration`)."""

from bench.migration.driver import main

main()
