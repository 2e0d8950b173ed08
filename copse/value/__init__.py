"""What taking part gave members, in the five cycles of the value-creation
framework, with the amounts saved and the time put in."""
