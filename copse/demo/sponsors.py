"""The demo's sponsor: Grace Hopkins, who chairs the CIO council, holds the
sponsor role, granted by the site operator through the service (so the
grant is in the audit log as on a real site)."""

from __future__ import annotations

SPONSOR = "sponsor@copse.example"
OPERATOR = "admin@copse.example"


def load_sponsors(loader) -> None:
    from copse.sponsors.services import grant_sponsor

    sponsor = loader.people[SPONSOR]
    sponsor.refresh_from_db(fields=["is_sponsor"])
    if sponsor.is_sponsor:
        return
    grant_sponsor(actor=loader.people[OPERATOR], person=sponsor)
    loader._count("sponsor roles")
