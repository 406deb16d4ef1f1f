"""`python -m bench.api`: the API overhead benchmark (`bench.api`)."""

from bench.api.driver import main

main()
