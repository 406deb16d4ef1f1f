"""`python -m bench.layout`: the layout benchmark (`bench.layout`)."""

from bench.layout.driver import main

main()
