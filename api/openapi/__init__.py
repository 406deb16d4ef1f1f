"""The OpenAPI document clients are generated from: Litestar's, made exactly what the
server does (`document.py` puts the steps together; each module is one of them)."""
