"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

Home is everyone's own page: every signed-in person gets it, the signed out
are sent to sign in. What it must never do is show the matrix's confidential
community to anyone who does not read it; the matrix checks that its SECRET
thread appears for no such role, and `test_home_privacy.py` checks titles,
names and counts of everything else Home gathers.
"""

from copse.core.tests.authorization import SIGNED_IN

ROWS = {
    "home:index": (None, "get", "", None, SIGNED_IN),
}


def build(community, people, ctx) -> None:
    """Home needs nothing beyond the matrix's own thread."""
