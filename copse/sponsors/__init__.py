"""The sponsor's report: a programme's figures across communities, with no
content and no figure small enough to point at someone."""
