"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py)."""

ROWS = {}


def build(community, people, ctx):
    """Create what this app's URLs need in the matrix's community; add ids to ctx."""
