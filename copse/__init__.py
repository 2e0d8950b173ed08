"""Copse: a self-hosted platform for communities of practice."""
