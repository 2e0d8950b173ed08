"""The trust pulse: a short anonymous survey whose answers no query can join
to a person."""
