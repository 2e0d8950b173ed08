"""Past words keep the privacy they were written under.

A thread remembers the most private visibility its community had since it
began; it is read under the stricter of that and the community's visibility
now. Written as attacks: on the settings page, the move page, and every way
of reading a thread after its community opened up.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse import testing
from copse.audit.models import AuditEntry
from copse.communities import services as communities
from copse.communities.models import Community
from copse.conversations import selectors
from copse.conversations import services as conversations
from copse.conversations.models import PostAttachment, Thread
from copse.core import permissions
from copse.mailing import compose, digests
from copse.mailing.models import OutgoingMessage
from copse.notifications.models import Notification

OLD_WORDS = "Quokkazanzibar"
NEW_WORDS = "Pelicanmarmalade"


def _settings_form(community, **changes):
    data = {
        "name": community.name,
        "purpose": community.purpose,
        "goals": community.goals,
        "topic_areas": "\n".join(community.topic_areas),
        "kind": community.kind,
        "visibility": community.visibility,
        "join_policy": community.join_policy,
        "eligibility": community.eligibility,
        "per_organisation_cap": community.per_organisation_cap or "",
        "size_cap": community.size_cap or "",
        "meeting_cadence": community.meeting_cadence,
        "who_may_propose": community.who_may_propose,
        "norms_review_months": community.norms_review_months,
    }
    if community.listed:
        data["listed"] = "on"
    data.update(changes)
    return data


def _lower(community, facilitator, to="open"):
    """The only way: a visibility proposal the members consent to."""
    return testing.members_open_up(community, facilitator, visibility=to)


def _forget(people):
    for person in people.values():
        if person is not None:
            permissions.forget_standings(person)


@pytest.fixture
def opened(roles, settings, tmp_path):
    """The confidential circle with a thread (a reply, a file, a tag) written
    while confidential; then its facilitator opens it to everyone and a
    member starts a new thread."""
    settings.MEDIA_ROOT = tmp_path
    community, people = roles
    old = conversations.start_thread(
        actor=people["member"],
        community=community,
        kind="ask",
        title=f"Carrier contracts {OLD_WORDS}",
        body=f"Our bill doubled. {OLD_WORDS} said so.",
        tag_names=["telecom"],
    )
    reply = conversations.post_reply(
        actor=people["facilitator"], thread=old, body=f"We switched. {OLD_WORDS} again."
    )
    attachment = PostAttachment(
        post=reply, original_name="costs.txt", content_type="text/plain", size=5
    )
    attachment.file.save("floor-costs.txt", ContentFile(b"costs"), save=False)
    attachment.save()
    _lower(Community.objects.get(pk=community.pk), people["facilitator"])
    community.refresh_from_db()
    _forget(people)
    new = conversations.start_thread(
        actor=people["member"],
        community=community,
        kind="discussion",
        title=f"Open question {NEW_WORDS}",
        body=f"Anyone may read this. {NEW_WORDS}.",
        tag_names=["telecom"],
    )
    return {
        "community": community,
        "people": people,
        "old": old,
        "reply": reply,
        "attachment": attachment,
        "new": new,
    }


# --- Moving a thread ----------------------------------------------------------------


@pytest.fixture
def two_places(db):
    secret = testing.make_community(slug="secret", name="Secret", visibility="confidential")
    lobby = testing.make_community(slug="lobby", name="Lobby", visibility="open")
    fay = testing.make_user("fay@example.com", name="Fay Facilitator")
    author = testing.make_user("author@example.com", name="Ann Author")
    replier = testing.make_user("quiet@example.com", name="Quentin Quiet")
    for place in (secret, lobby):
        testing.seat(place, fay, role="facilitator")
        testing.seat(place, author)
    testing.seat(secret, replier)
    return secret, lobby, fay, author, replier


def test_facilitator_moving_a_confidential_thread_outwards_is_refused(client, two_places):
    secret, lobby, fay, author, _ = two_places
    thread = conversations.start_thread(
        actor=author, community=secret, kind="discussion", title="Layoffs", body="Between us."
    )
    with pytest.raises(conversations.NotAllowed, match="less private"):
        conversations.move_thread(actor=fay, thread=thread, to_community=lobby)
    client.force_login(fay)
    response = client.post(
        reverse("conversations:move", args=[secret.slug, thread.pk]), {"community": lobby.pk}
    )
    assert response.status_code == 403
    assert b"at least as private" in response.content
    thread.refresh_from_db()
    assert thread.community == secret
    assert not AuditEntry.objects.filter(action="conversation.moved_in").exists()


def test_a_thread_written_while_confidential_cannot_be_moved_out_after_the_community_opens(
    two_places,
):
    secret, lobby, fay, author, _ = two_places
    thread = conversations.start_thread(
        actor=author, community=secret, kind="discussion", title="Layoffs", body="Between us."
    )
    _lower(secret, fay, to="open")
    thread.refresh_from_db()
    # Both communities are open now; the thread is still read as confidential.
    with pytest.raises(conversations.NotAllowed, match="less private"):
        conversations.move_thread(actor=fay, thread=thread, to_community=lobby)


def test_moving_into_a_community_where_an_author_has_no_seat_is_refused(client, two_places):
    secret, _, fay, author, replier = two_places
    vault = testing.make_community(slug="vault", name="Vault", visibility="confidential")
    testing.seat(vault, fay, role="facilitator")
    testing.seat(vault, author)
    thread = conversations.start_thread(
        actor=author, community=secret, kind="discussion", title="Layoffs", body="Between us."
    )
    conversations.post_reply(actor=replier, thread=thread, body="Quietly, we too.")
    client.force_login(fay)
    response = client.post(
        reverse("conversations:move", args=[secret.slug, thread.pk]), {"community": vault.pk}
    )
    assert response.status_code == 403
    assert b"1 author of this thread has no seat in Vault" in response.content
    # Who it is stays untold: the facilitator of the target may not know them.
    assert b"Quentin" not in response.content.split(b"<main")[-1].split(b"Layoffs", 1)[-1]
    thread.refresh_from_db()
    assert thread.community == secret
    testing.seat(vault, replier)
    conversations.move_thread(actor=fay, thread=thread, to_community=vault)
    thread.refresh_from_db()
    assert thread.community == vault


def test_a_removed_reply_by_an_unseated_author_still_blocks_the_move(two_places):
    secret, _, fay, author, replier = two_places
    vault = testing.make_community(slug="vault", visibility="confidential")
    testing.seat(vault, fay, role="facilitator")
    testing.seat(vault, author)
    thread = conversations.start_thread(
        actor=author, community=secret, kind="discussion", title="Layoffs", body="Between us."
    )
    reply = conversations.post_reply(actor=replier, thread=thread, body="Quietly, we too.")
    conversations.remove_post(actor=fay, post=reply, reason="Off topic")
    with pytest.raises(conversations.NotAllowed, match="no seat"):
        conversations.move_thread(actor=fay, thread=thread, to_community=vault)


def test_a_moved_thread_keeps_the_stricter_floor_when_its_new_community_opens(two_places):
    secret, lobby, fay, author, _ = two_places
    lobby_thread = conversations.start_thread(
        actor=author, community=lobby, kind="discussion", title="Hello", body="Open words."
    )
    assert lobby_thread.visibility_floor == "open"
    conversations.move_thread(actor=fay, thread=lobby_thread, to_community=secret)
    lobby_thread.refresh_from_db()
    assert lobby_thread.visibility_floor == "confidential"
    _lower(secret, fay, to="open")
    lobby_thread.refresh_from_db()
    outsider = testing.make_user()
    assert not permissions.can(outsider, "thread.read", lobby_thread)


# --- Lowering the visibility --------------------------------------------------------


def test_lowering_in_the_settings_is_refused_and_points_to_a_proposal(client, roles):
    community, people = roles
    thread = conversations.start_thread(
        actor=people["member"], community=community, kind="discussion", title="T", body="B"
    )
    client.force_login(people["facilitator"])
    url = reverse("communities:settings", args=[community.slug])
    typed = _settings_form(community, visibility="open", purpose="A purpose typed just now")
    refused = client.post(url, typed)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "is for the members to decide" in page
    assert "What stays private" in page and "What would open" in page
    assert "The one conversation written so far keeps the privacy" in page
    assert "only members read it" in page and "mail about it carries only a link" in page
    assert "A purpose typed just now" in page  # what was typed is kept
    proposal_url = reverse("decisions:new", args=[community.slug])
    assert f"{proposal_url}?kind=visibility&amp;new_visibility=open" in page
    assert 'name="confirm_lowering"' not in page
    community.refresh_from_db()
    assert community.visibility == "confidential"
    assert community.purpose != "A purpose typed just now"
    assert not AuditEntry.objects.filter(action="community.settings_changed").exists()
    assert not Notification.objects.filter(kind="visibility_lowered").exists()
    # The service refuses too, whoever calls it.
    with pytest.raises(communities.MembersDecide):
        communities.update_settings(
            actor=people["facilitator"], community=community, visibility="members"
        )
    community.refresh_from_db()
    assert community.visibility == "confidential"

    # The proposal the page links to opens with the visibility that was tried.
    form = client.get(f"{proposal_url}?kind=visibility&new_visibility=open").context["form"]
    assert (form.initial["kind"], form.initial["new_visibility"]) == ("visibility", "open")
    _lower(community, people["facilitator"], to="open")
    assert community.visibility == "open"
    thread.refresh_from_db()
    assert thread.visibility_floor == "confidential"


def test_members_are_told_after_the_community_became_less_private(client, roles):
    community, people = roles
    _lower(community, people["facilitator"], to="members")
    told = set(
        Notification.objects.filter(kind="visibility_lowered").values_list("user_id", flat=True)
    )
    assert told == {people[r].pk for r in ("member", "delegate")}
    client.force_login(people["member"])
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "made the community less private" in inbox
    assert "earlier conversations keep the privacy they were written under" in inbox
    notice = Notification.objects.get(user=people["member"])
    opened = client.get(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == community.get_absolute_url()
    # Lowered again: the same notice comes back unread, not a second one.
    Notification.objects.update(read_at=timezone.now())
    _lower(community, people["facilitator"], to="open")
    assert Notification.objects.filter(user=people["member"]).count() == 1
    assert Notification.objects.get(user=people["member"]).read_at is None


def test_raising_the_visibility_raises_every_floor_and_never_lowers_one(roles):
    community, people = roles
    fay = people["facilitator"]
    _lower(community, fay, to="open")
    written_open = conversations.start_thread(
        actor=people["member"], community=community, kind="discussion", title="O", body="o"
    )
    conversations.remove_thread(actor=fay, thread=written_open, reason="Duplicate")
    communities.update_settings(actor=fay, community=community, visibility="members")
    written_open.refresh_from_db()
    assert written_open.visibility_floor == "members"
    assert Thread.objects.filter(community=community).exclude(visibility_floor="open").count() == 1
    _lower(community, fay, to="open")
    written_open.refresh_from_db()
    assert written_open.visibility_floor == "members"


# --- Reading after the community opened ---------------------------------------------

OUTSIDERS = ("anonymous", "non_member", "site_admin", "former_member", "guest_presenter")


@pytest.mark.parametrize("role", OUTSIDERS)
def test_after_opening_outsiders_read_only_what_was_written_since(client, opened, role):
    community, people, old, new = (opened[k] for k in ("community", "people", "old", "new"))
    person = people[role]
    if person is not None:
        client.force_login(person)

    def hidden(url):
        # Signed out, a hidden page sends to sign-in exactly as a missing one does.
        response = client.get(url)
        if person is None:
            return response.status_code == 302 and "/accounts/login/" in response["Location"]
        return response.status_code == 404

    assert hidden(old.get_absolute_url())
    assert hidden(reverse("conversations:jump", args=[old.pk]))
    assert client.get(new.get_absolute_url()).status_code == 200
    history = reverse("conversations:post_history", args=[community.slug, opened["reply"].pk])
    assert hidden(history)
    attachment = reverse("conversations:attachment", args=[community.slug, opened["attachment"].pk])
    assert hidden(attachment)
    pages = [
        reverse("conversations:list", args=[community.slug]),
        community.get_absolute_url(),
        reverse("conversations:tag", args=["telecom"]),
        reverse("search:search") + "?q=switched",  # in the old reply only
    ]
    if person is not None:
        pages.append(reverse("people:profile", args=[people["member"].handle]))
    for url in pages:
        content = client.get(url).content.decode()
        assert OLD_WORDS not in content and "Carrier" not in content, url
    listing = client.get(reverse("conversations:list", args=[community.slug])).content.decode()
    assert NEW_WORDS in listing
    found = client.get(reverse("search:search") + f"?q={NEW_WORDS}").content.decode()
    assert "Open question" in found
    catalogue = client.get(reverse("conversations:catalogue")).content.decode()
    assert "telecom (1)" in catalogue
    tag_page = client.get(reverse("conversations:tag", args=["telecom"])).content.decode()
    assert "1 thread you can read" in tag_page


def test_after_opening_the_seated_still_read_everything(client, opened):
    people, old = opened["people"], opened["old"]
    for role in ("member", "delegate", "facilitator"):
        client.force_login(people[role])
        assert client.get(old.get_absolute_url()).status_code == 200
        page = client.get(old.get_absolute_url()).content.decode()
        assert "only its members read it" in page
        assert "mail about it carries only a link" in page
    client.force_login(people["member"])
    found = client.get(reverse("search:search") + f"?q={OLD_WORDS}").content.decode()
    assert "Carrier contracts" in found


def test_after_opening_the_selectors_keep_old_threads_from_outsiders(opened):
    people, old, new = opened["people"], opened["old"], opened["new"]
    for role in ("anonymous", "non_member", "site_admin"):
        person = people[role]
        viewer = person if person is not None else _anonymous()
        readable = set(selectors.readable_threads(viewer).values_list("pk", flat=True))
        assert old.pk not in readable and new.pk in readable
        activity = selectors.activity_of(viewer, people["member"]).items
        assert {p.thread_id for p in activity} == {new.pk}
        (tag,) = [t for t in selectors.catalogue(viewer) if t.slug == "telecom"]
        assert tag.thread_count == 1


def test_a_site_admin_exporting_the_opened_community_gets_only_what_was_written_since(
    client, opened
):
    community, people = opened["community"], opened["people"]
    client.force_login(people["site_admin"])
    response = client.get(reverse("mailing:export_archive", args=[community.slug]))
    assert response.status_code == 200
    mbox = b"".join(response.streaming_content)
    assert NEW_WORDS.encode() in mbox and OLD_WORDS.encode() not in mbox
    client.force_login(people["facilitator"])
    mbox = b"".join(
        client.get(reverse("mailing:export_archive", args=[community.slug])).streaming_content
    )
    assert OLD_WORDS.encode() in mbox


def test_mail_about_an_old_thread_keeps_the_confidential_content_level(opened):
    people = opened["people"]
    late_reply = conversations.post_reply(
        actor=people["member"], thread=opened["old"], body=f"Late word {OLD_WORDS}."
    )
    new_reply = conversations.post_reply(
        actor=people["member"], thread=opened["new"], body=f"Late word {NEW_WORDS}."
    )
    old_mail = compose.message_bytes(
        compose.post_message(post=late_reply, personal=compose.new_marks())
    )
    assert OLD_WORDS.encode() not in old_mail and b"Carrier" not in old_mail
    assert b"was confidential" in old_mail
    new_mail = compose.message_bytes(
        compose.post_message(post=new_reply, personal=compose.new_marks())
    )
    assert NEW_WORDS.encode() in new_mail

    now = timezone.now()
    row = OutgoingMessage(
        recipient=people["delegate"],
        kind=OutgoingMessage.Kind.DIGEST,
        community=opened["community"],
        period_start=now - dt.timedelta(days=1),
        period_end=now + dt.timedelta(minutes=1),
        next_attempt_at=now,
    )
    rendered = digests.DigestRenderer().render(row, "UTC")
    for part in (rendered.subject, rendered.text, rendered.html):
        assert OLD_WORDS not in part and "Carrier" not in part
    assert NEW_WORDS in rendered.text and NEW_WORDS in rendered.html
    assert "while" in rendered.text and "was confidential" in rendered.text


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# --- The property -------------------------------------------------------------------

steps = st.lists(
    st.one_of(
        st.tuples(st.just("visibility"), st.sampled_from(permissions.VISIBILITIES)),
        st.tuples(st.just("thread"), st.none()),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.sampled_from(permissions.VISIBILITIES), sequence=steps)
def test_a_non_member_reads_a_thread_only_if_it_was_open_at_every_moment(db, start, sequence):
    community = testing.make_community(visibility=start)
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    outsider = testing.make_user()
    anonymous = _anonymous()
    always_open: dict[int, bool] = {}  # thread -> open at every moment since it began
    for step, value in sequence:
        if step == "visibility":
            testing.set_visibility(community, facilitator, value)
            for pk in always_open:
                always_open[pk] = always_open[pk] and value == "open"
        else:
            thread = conversations.start_thread(
                actor=facilitator, community=community, kind="discussion", title="T", body="B"
            )
            always_open[thread.pk] = community.visibility == "open"
    permissions.forget_standings(outsider)
    threads = Thread.objects.select_related("community").filter(community=community)
    for viewer in (outsider, anonymous):
        by_query = set(selectors.readable_threads(viewer).values_list("pk", flat=True))
        for thread in threads:
            expected = always_open[thread.pk]
            assert permissions.can(viewer, "thread.read", thread) == expected
            assert (thread.pk in by_query) == expected
    for thread in threads:
        assert permissions.can(facilitator, "thread.read", thread)
