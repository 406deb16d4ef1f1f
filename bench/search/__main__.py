"""`python -m bench.search`: the search benchmark (`bench.search`)."""

from bench.search.driver import main

main()
