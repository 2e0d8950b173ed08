"""Re-use with credit: "Adapt this" and "I re-used this" from the UI, and the
rule that the links between items never reveal a title, a community or a
person the viewer cannot read (docs/decisions.md, "Credit that crosses
communities").

The world: a confidential, unlisted community ("The Vault") where Margaret
wrote a template; Karen, in the Vault and in Chemistry (members-only,
unlisted), adapted it into Chemistry; Bob is in Chemistry only; Dana is in
an open community only.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from copse import testing
from copse.library import selectors, services
from copse.library.models import LibraryItem, Reuse
from copse.library.tests.conftest import text_file
from copse.mailing.models import OutgoingMessage
from copse.notifications.models import Notification

pytestmark = pytest.mark.django_db

ORIGINAL = "Visiting speaker template"
VAULT = "The Vault"


@pytest.fixture
def world(db):
    vault = testing.make_community(
        slug="vault", name=VAULT, visibility="confidential", listed=False
    )
    chemistry = testing.make_community(
        slug="chemistry", name="Chemistry", visibility="members", listed=False
    )
    commons = testing.make_community(slug="commons", name="Commons", visibility="open")
    president = testing.make_organisation("Office of the President", kind="unit")
    chem_org = testing.make_organisation("Department of Chemistry", kind="unit")
    w = SimpleNamespace(
        vault=vault,
        chemistry=chemistry,
        commons=commons,
        margaret=testing.make_user(
            "margaret@example.com", name="Margaret Osei", organisation=president
        ),
        karen=testing.make_user("karen@example.com", name="Karen Liu", organisation=chem_org),
        bob=testing.make_user("bob@example.com", name="Bob Brown"),
        dana=testing.make_user("dana@example.com", name="Dana Designer"),
        stranger=testing.make_user("stranger@example.com", name="Sid Stranger"),
    )
    testing.seat(vault, w.margaret)
    testing.seat(vault, w.karen)
    testing.seat(chemistry, w.karen)
    testing.seat(chemistry, w.bob)
    testing.seat(commons, w.dana)
    w.original = services.create_item(
        actor=w.margaret,
        community=vault,
        kind="template",
        title=ORIGINAL,
        description="What to send a visiting speaker.",
        body="# Visiting speaker\n\n- Travel\n- Honoraria",
    )
    return w


def _adapt_through_the_form(client, w, *, title="Chemistry speaker template"):
    client.force_login(w.karen)
    url = reverse("library:adapt", args=[w.original.pk])
    form = client.get(url).content.decode()
    assert "Margaret Osei, Office of the President" in form  # the credit it keeps
    response = client.post(
        url,
        {"community": w.chemistry.pk, "title": title, "description": "With lab safety forms."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert b"with credit" in client.get(response["Location"]).content  # the message, read
    return LibraryItem.objects.get(title=title)


def test_adapt_this_copies_the_content_and_credits_the_original(client, world):
    w = world
    adapted = _adapt_through_the_form(client, w)
    assert adapted.community == w.chemistry
    assert adapted.adapted_from == w.original
    assert adapted.adapted_credit == "Margaret Osei, Office of the President"
    assert [str(a) for a in adapted.authors.all()] == ["Karen Liu, Department of Chemistry"]
    first = adapted.versions.get()
    assert first.body_markdown == "# Visiting speaker\n\n- Travel\n- Honoraria"
    assert ORIGINAL not in first.change_note

    # Karen reads both: the credit names the original and links to it.
    html = client.get(adapted.get_absolute_url()).content.decode()
    assert (
        f'Adapted from <a href="{w.original.get_absolute_url()}"><em>{ORIGINAL}</em></a> '
        "by Margaret Osei, Office of the President, in The Vault"
    ) in html
    html = client.get(w.original.get_absolute_url()).content.decode()
    assert "Adapted in 1 community" in html
    assert adapted.get_absolute_url() in html and "Chemistry speaker template" in html


def test_a_reader_of_the_adaptation_only_sees_the_frozen_credit(client, world):
    w = world
    adapted = _adapt_through_the_form(client, w)
    client.force_login(w.bob)
    html = client.get(adapted.get_absolute_url()).content.decode()
    assert "Adapted from work by Margaret Osei, Office of the President" in html
    assert ORIGINAL not in html
    assert VAULT not in html
    assert w.original.get_absolute_url() not in html


def test_a_reader_of_the_original_only_sees_a_count(client, world):
    w = world
    _adapt_through_the_form(client, w)
    client.force_login(w.margaret)
    html = client.get(w.original.get_absolute_url()).content.decode()
    assert "Adapted in 1 community" in html
    assert "1 adaptation, none of them where you can read it" in html
    for hidden in ("Chemistry", "Karen Liu", f"/library/{w.original.pk + 1}/"):
        assert hidden not in html


def test_a_chain_shows_the_steps_each_viewer_may_read(client, world):
    w = world
    middle = _adapt_through_the_form(client, w)
    w.chemistry.library_sharing_allowed = True
    w.chemistry.save()
    services.share_item(actor=w.karen, item=middle, sharing="site", confirmed=True)
    last = services.adapt_item(
        actor=w.dana, item=middle, community=w.commons, title="Web conference speaker checklist"
    )
    assert last.adapted_credit == (
        "Karen Liu, Department of Chemistry, who adapted work by Margaret Osei, "
        "Office of the President"
    )

    # Signed out, in an open community: neither earlier step is readable.
    client.logout()
    html = client.get(last.get_absolute_url()).content.decode()
    assert "Adapted from work by Karen Liu, Department of Chemistry, who adapted work by" in html
    assert "An original you cannot see" in html and "An adaptation you cannot see" in html
    for hidden in (ORIGINAL, "Chemistry speaker template", VAULT, middle.get_absolute_url()):
        assert hidden not in html

    # Dana reads the shared middle step but not the original.
    client.force_login(w.dana)
    html = client.get(last.get_absolute_url()).content.decode()
    assert "<em>Chemistry speaker template</em>" in html
    assert "An original you cannot see" in html
    assert ORIGINAL not in html and VAULT not in html
    assert ", in Chemistry" not in html  # an unlisted community she cannot view

    # Karen reads every step.
    client.force_login(w.karen)
    html = client.get(last.get_absolute_url()).content.decode()
    assert ORIGINAL in html and "Chemistry speaker template" in html and "in The Vault" in html
    html = client.get(middle.get_absolute_url()).content.decode()
    assert "Adapted in 1 community" in html and "Web conference speaker checklist" in html


def test_the_chain_is_followed_back_ten_steps_in_three_queries(world, django_assert_num_queries):
    w = world
    items = [w.original]
    for n in range(12):
        items.append(
            services.adapt_item(
                actor=w.karen, item=items[-1], community=w.chemistry, title=f"Step {n}"
            )
        )
    with django_assert_num_queries(3):
        ancestors, cut = selectors.ancestors_of(items[-1])
    assert len(ancestors) == services.CHAIN_DEPTH and cut
    assert [a.title for a in ancestors[:2]] == ["Step 10", "Step 9"]
    with django_assert_num_queries(3):
        ancestors, cut = selectors.ancestors_of(items[2])
    assert [a.title for a in ancestors] == ["Step 0", ORIGINAL] and not cut


def test_a_file_is_copied_to_a_new_stored_file(client, world):
    w = world
    original = services.create_item(
        actor=w.karen,
        community=w.vault,
        kind="document",
        title="Honoraria form",
        uploaded_file=text_file("honoraria.txt", b"Name, amount\n"),
    )
    adapted = services.adapt_item(
        actor=w.karen, item=original, community=w.chemistry, title="Honoraria form (Chemistry)"
    )
    source, copy = original.versions.get(), adapted.versions.get()
    assert copy.file.name != source.file.name
    assert copy.original_name == "honoraria.txt" and copy.size == source.size
    source.file.delete(save=False)
    client.force_login(w.bob)
    response = client.get(reverse("library:download", args=[adapted.pk, 1]))
    assert b"".join(response.streaming_content) == b"Name, amount\n"


def test_adapting_refuses_a_community_one_cannot_add_to(client, world):
    w = world
    client.force_login(w.karen)
    url = reverse("library:adapt", args=[w.original.pk])
    for bad in (w.commons.pk, "nonsense", 10**30):
        response = client.post(url, {"community": bad, "title": "Mine"})
        assert response.status_code == 400
        assert 'value="Mine"' in response.content.decode()
    # A delegate reads but has no library of their own to adapt into.
    delegate = testing.make_user("delegate@example.com")
    membership = testing.seat(w.vault, w.margaret)
    testing.seat(w.vault, delegate, role="delegate", principal=membership)
    client.force_login(delegate)
    assert client.get(url).status_code == 404
    assert LibraryItem.objects.count() == 1


# --- "I re-used this" ------------------------------------------------------------------


def test_a_reuse_adds_up_shows_on_the_item_and_tells_the_author(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    adapted = _adapt_through_the_form(client, w)
    client.force_login(w.bob)
    url = reverse("library:reuse", args=[adapted.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"note": "Used it for the spring series.", "hours_saved": "2.5"}
        )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        services.record_reuse(actor=w.karen, item=w.original, note="Ours too", hours_saved=None)
    adapted.refresh_from_db()
    assert (adapted.reuse_count, adapted.hours_saved) == (1, Decimal("2.5"))
    html = client.get(adapted.get_absolute_url()).content.decode()
    assert "Re-used 1 time · 2.5 hours saved" in html
    assert "Used it for the spring series." in html and "Bob Brown" in html

    told = Notification.objects.get(user=w.karen, kind="reused")
    assert told.actor == w.bob and told.target == adapted
    client.force_login(w.karen)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Bob Brown re-used your work: “Chemistry speaker template”" in inbox
    opened = client.get(reverse("notifications:open", args=[told.pk]))
    assert opened["Location"] == adapted.get_absolute_url()

    assert OutgoingMessage.objects.filter(recipient=w.karen, kind="notice").exists()
    # Sent as notices are (the senders run at once in tests).
    mine = next(m for m in mail.outbox if m.to == [w.karen.email])
    assert mine.subject == "[Chemistry] Bob Brown re-used your work “Chemistry speaker template”"
    assert "/notifications/" in mine.body
    # Margaret's notice is from the confidential Vault: it names nothing.
    vault_mail = next(m for m in mail.outbox if m.to == [w.margaret.email])
    assert vault_mail.subject == "[The Vault] Your work was re-used"
    raw = vault_mail.message().as_string()
    assert ORIGINAL not in raw and "Karen" not in raw


def test_a_reuse_never_names_a_person_the_viewer_may_not_see(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    adapted = _adapt_through_the_form(client, w)
    w.chemistry.library_sharing_allowed = True
    w.chemistry.save()
    services.share_item(actor=w.karen, item=adapted, sharing="site", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_reuse(actor=w.stranger, item=adapted, note="Handy", hours_saved="1")
    told = Notification.objects.get(user=w.karen, kind="reused")
    assert told.actor is None  # Karen shares no community with the stranger
    client.force_login(w.bob)
    html = client.get(adapted.get_absolute_url()).content.decode()
    assert "Handy" in html and "Someone" in html and "Sid Stranger" not in html
    client.force_login(w.stranger)
    assert "Sid Stranger" in client.get(adapted.get_absolute_url()).content.decode()


def test_bad_reuse_input_comes_back_with_a_400_and_records_nothing(client, world):
    w = world
    client.force_login(w.karen)
    url = reverse("library:reuse", args=[w.original.pk])
    for data in (
        {"note": "", "hours_saved": "2"},
        {"note": "Kept words", "hours_saved": "abc"},
        {"note": "Kept words", "hours_saved": "-1"},
        {"note": "Kept words", "hours_saved": "1e999"},
        {"note": "Kept words", "hours_saved": "100000"},
        {"note": "x" * 2001},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        if data["note"] == "Kept words":
            assert "Kept words" in response.content.decode()
    assert not Reuse.objects.exists()
    with pytest.raises(services.LibraryError):
        services.record_reuse(actor=w.karen, item=w.original, note="x", hours_saved="NaN")
    with pytest.raises(services.LibraryError):
        services.record_reuse(actor=w.bob, item=w.original, note="I cannot read it")
