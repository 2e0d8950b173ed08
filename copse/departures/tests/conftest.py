"""A community where Mona, who is about to delete her account, wrote a
little of everything, beside Fay (the facilitator) and Dev, who answered her."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copse import testing
from copse.conversations import services as conversations
from copse.library import services as library
from copse.value import services as value

MONA_EMAIL = "mona@contoso.example"
MONA_NAME = "Mona Quist"
MONA_WORDS = "Our carrier Zephyrtel overcharged us for years"


@pytest.fixture
def world(db):
    org = testing.make_organisation("Contoso")
    community = testing.make_community(
        slug="cio-cop", name="CIO CoP", visibility="confidential", listed=False
    )
    mona = testing.make_user(MONA_EMAIL, name=MONA_NAME, organisation=org, job_title="CIO")
    mona.bio = "Twenty years in telecoms."
    mona.time_zone = "Europe/Paris"
    mona.save()
    fay = testing.make_user("fay@northwind.example", name="Fay Facilitator")
    dev = testing.make_user("dev@fabrikam.example", name="Dev Member")
    testing.seat(community, mona)
    testing.seat(community, fay, role="facilitator")
    testing.seat(community, dev)

    answered = conversations.start_thread(
        actor=mona,
        community=community,
        kind="ask",
        title=f"Ask: {MONA_WORDS}",
        body=f"{MONA_WORDS}. Who switched?",
        files=[SimpleUploadedFile("bills.txt", b"month,amount\nMarch,9000\n")],
    )
    dev_reply = conversations.post_reply(actor=dev, thread=answered, body="We moved to Northwind.")
    mona_reply = conversations.post_reply(
        actor=mona, thread=answered, body=f"Thanks. {MONA_WORDS}."
    )
    alone = conversations.start_thread(
        actor=mona,
        community=community,
        kind="discussion",
        title="Mona's lonely thread",
        body=f"Nobody answered this. {MONA_WORDS}.",
    )
    fays = conversations.start_thread(
        actor=fay, community=community, kind="discussion", title="Fay's thread", body="Welcome."
    )
    mona_in_fays = conversations.post_reply(actor=mona, thread=fays, body=f"Hello. {MONA_WORDS}.")
    own_item = library.create_item(
        actor=mona,
        community=community,
        kind="page",
        title="Mona's telecom checklist",
        body=f"1. {MONA_WORDS}",
    )
    shared_item = library.create_item(
        actor=fay,
        community=community,
        kind="page",
        title="Carrier negotiation SOP",
        body="Written together.",
    )
    library.add_authors(actor=fay, item=shared_item, people=[mona])
    story = value.record_story(
        actor=mona,
        community=community,
        cycle="realised",
        title="We saved 250K on telecom",
        story=f"{MONA_WORDS}; now we do not.",
        money_saved="250000",
        currency="USD",
        sharing="community",
    )
    return {
        "community": community,
        "org": org,
        "mona": mona,
        "fay": fay,
        "dev": dev,
        "answered": answered,
        "dev_reply": dev_reply,
        "mona_reply": mona_reply,
        "alone": alone,
        "fays": fays,
        "mona_in_fays": mona_in_fays,
        "own_item": own_item,
        "shared_item": shared_item,
        "story": story,
    }
