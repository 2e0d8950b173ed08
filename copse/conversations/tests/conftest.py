import pytest

from copse import testing


@pytest.fixture
def cio(db):
    """The CIO CoP's telecom story: Dev asks, peers from other companies answer."""
    community = testing.make_community(
        slug="sv-cio-cop", name="Silicon Valley CIO CoP", visibility="confidential", listed=True
    )
    maria = testing.make_user(
        "maria@northwind.example",
        name="Maria Lopez",
        organisation=testing.make_organisation("Northwind"),
    )
    dev = testing.make_user(
        "dev@contoso.example", name="Dev Patel", organisation=testing.make_organisation("Contoso")
    )
    peers = [
        testing.make_user(name=f"Peer {n}", organisation=testing.make_organisation(f"Company {n}"))
        for n in range(5)
    ]
    testing.seat(community, maria, role="facilitator")
    testing.seat(community, dev)
    for peer in peers:
        testing.seat(community, peer)
    return community, maria, dev, peers
