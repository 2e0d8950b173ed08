"""Whether a community is healthy: participation, quiet members and the kind
nudges that draw them out, asks and how fast they are answered, attendance,
size against the band that works, the reply network, and the norms."""
