"""`python -m bench.crafted`: the crafted-search benchmark (`bench.crafted`)."""

from bench.crafted.driver import main

main()
