"""Community pages: the directory, a community's home, its settings, and the
programme page where site administrators create communities."""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from copse.communities import privacy, selectors, services
from copse.communities.forms import AppointFacilitatorForm, CommunitySettingsForm, NewCommunityForm
from copse.communities.models import Community
from copse.communities.selectors import mail_mode_of
from copse.conversations.selectors import recent_threads_for, unread_by_community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.meetings.selectors import upcoming_meetings
from copse.norms.selectors import current_norms
from copse.topics.selectors import agenda_candidates

HOME_MEMBER_PREVIEW = 24
HOME_THREAD_PREVIEW = 5
# The most wanted topics in the home's side column.
HOME_TOPIC_PREVIEW = 3


def recent_threads(viewer, community):
    return recent_threads_for(viewer, community, HOME_THREAD_PREVIEW)


def _once(compute):
    """A list computed when a template first uses it: the home's cached
    parts query nothing while their fragment is in the cache."""
    return SimpleLazyObject(compute)


def directory(request):
    page = selectors.directory_for(
        request.user, after=request.GET.get("after"), query=request.GET.get("q", "").strip()[:100]
    )
    mine = [c for c in page.communities if c.viewer_standing.is_seated]
    unread = unread_by_community(request.user, mine)
    links = _DirectoryLinks()
    for community in page.communities:
        community.unread_threads = unread.get(community.pk, 0)
        _shown_in_directory(request.user, community, links)
    context = {
        "page": page,
        "query": request.GET.get("q", ""),
        "directory_rows": _directory_rows(page.communities),
    }
    if request.htmx:
        return render(request, "communities/directory.html#directory-list", context)
    return render(request, "communities/directory.html", context)


class _DirectoryLinks:
    """Each community's links, made from URLs reversed once with a stand-in
    slug: fifty rows of `{% url %}` and includes were most of the directory's
    time. A slug is letters, digits, "-" and "_", which reverse() leaves as
    they are, so the result is the same."""

    STAND_IN = "copse-slug-stand-in"

    def __init__(self):
        from django.urls import reverse

        self.home = reverse("communities:home", args=[self.STAND_IN])
        self.threads = reverse("conversations:list", args=[self.STAND_IN])
        self.join = reverse("memberships:join", args=[self.STAND_IN])
        self.request = reverse("memberships:request", args=[self.STAND_IN])
        self.login = reverse("account_login")

    def of(self, url: str, slug: str) -> str:
        return url.replace(self.STAND_IN, slug)


def _shown_in_directory(viewer, community, links: _DirectoryLinks) -> None:
    """What a directory row shows, decided here rather than in the template:
    its links, its purpose cut to 45 words (as `truncatewords`), and the
    join button of `communities/_join_button.html` as (kind, link)."""
    from urllib.parse import quote

    from django.utils.text import Truncator

    community.url = links.of(links.home, community.slug)
    community.threads_url = links.of(links.threads, community.slug)
    # Cut only when the rows are rendered.
    community.excerpt = lambda: Truncator(community.purpose).words(45, truncate=" …")
    standing = community.viewer_standing
    if standing.is_seated:
        community.join_button = ("member", "")
    elif standing.pending_request:
        community.join_button = ("waiting", "")
    elif not viewer.is_authenticated:
        # As the `urlencode` filter quotes it.
        community.join_button = ("sign_in", f"{links.login}?next={quote(community.url, safe='/')}")
    elif permissions.can(viewer, "community.join", community):
        community.join_button = ("join", links.of(links.join, community.slug))
    elif permissions.can(viewer, "community.request", community):
        community.join_button = ("request", links.of(links.request, community.slug))
    elif community.join_policy == "invitation":
        community.join_button = ("invitation", "")
    else:
        community.join_button = ("", "")


# The fields of a community that its directory row shows, with what the view
# decided for the viewer (`_shown_in_directory`, and the unread count).
_ROW_FIELDS = (
    "pk",
    "url",
    "threads_url",
    "name",
    "visibility",
    "member_count",
    "unread_threads",
    "meeting_cadence",
    "eligibility",
    "purpose",
    "join_button",
)
DIRECTORY_KEEP_SECONDS = 600


def _directory_rows(communities) -> str:
    """The directory's rows as HTML, kept in the per-process fragment cache
    keyed by every value they show, so the same values always give the same
    rows, whoever asks: nothing of one viewer can reach another whose rows
    differ, and any change of a community or of the viewer's standing (a
    seat, a request, what they may join) changes the key at once."""
    import hashlib

    from django.core.cache import caches
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    if not communities:
        return ""
    shown = repr([tuple(getattr(c, name) for name in _ROW_FIELDS) for c in communities])
    key = (
        f"directory-rows:{translation.get_language()}:"
        + hashlib.blake2b(shown.encode(), digest_size=20).hexdigest()
    )
    cache = caches["template_fragments"]
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "communities/directory.html#directory-rows", {"page": {"communities": communities}}
        )
        cache.set(key, html, DIRECTORY_KEEP_SECONDS)
    # Rendered by the template engine, which escaped it.
    return mark_safe(html)  # noqa: S308


def home(request, slug):
    viewer = request.user
    community = selectors.home_community_for(viewer, slug)
    standing = permissions.standing(viewer, community)
    can_read = permissions.can(viewer, "community.read", community)
    context = {
        "community": community,
        "standing": standing,
        # The parts below are kept between requests in fragments keyed by
        # `community.home_version` (communities/home.py); they query only
        # when their fragment is rendered again.
        "norms": _once(lambda: current_norms(community)),
        "members": _once(
            lambda: list(selectors.members_of(viewer, community, limit=HOME_MEMBER_PREVIEW))
        ),
        "upcoming_meetings": _once(
            lambda: upcoming_meetings(viewer, community, limit=3) if can_read else []
        ),
        "top_topics": _once(lambda: agenda_candidates(viewer, community, limit=HOME_TOPIC_PREVIEW)),
        # Changes minute by minute: a meeting that ended leaves the list.
        "minute": int(time.time() // 60),
        "can_see_members": permissions.can(request.user, "community.view_members", community),
        "can_manage": permissions.can(request.user, "community.manage", community),
        "can_contribute": permissions.can(request.user, "community.contribute", community),
        "can_read": can_read,
        "can_view_knowledge_map": permissions.can(
            request.user, "community.view_knowledge_map", community
        ),
        "recent_threads": recent_threads(request.user, community),
        "needs_norms": standing.is_active_contributor
        and standing.membership.norms_accepted < community.norms_version,
        "waiting": selectors.pending_requests(request.user, community).count()
        if permissions.can(request.user, "community.manage", community)
        else 0,
        "can_set_mail_content": permissions.can(
            request.user, "community.set_mail_content", community
        ),
    }
    if standing.pending_request:
        from copse.memberships.models import JoinRequest

        context["my_request"] = JoinRequest.objects.filter(
            community=community, user=request.user, status=JoinRequest.Status.PENDING
        ).first()
    if permissions.can(request.user, "community.receive_mail", community):
        from copse.mailing.forms import DeliveryForm

        context["mail_mode"], context["mail_mode_is_default"] = mail_mode_of(community)
        context["mail_modes"] = DeliveryForm.base_fields["mode"].choices
    return render(request, "communities/home.html", context)


def members(request, slug):
    community = selectors.community_by_slug_for(request.user, slug, "community.view_members")
    rows, next_after = selectors.members_page(
        request.user, community, after=request.GET.get("after")
    )
    context = {
        "community": community,
        "members": rows,
        "next_after": next_after,
        "can_manage": permissions.can(request.user, "community.manage", community),
    }
    return render(request, "communities/members.html", context)


def _visibility_proposal_query(community, changes: dict) -> str:
    """The query that opens a visibility proposal prefilled with what the
    facilitator tried to change (`decisions:new`, linked by URL name only:
    communities sits below decisions)."""
    query = {"kind": "visibility"}
    visibility = changes.get("visibility", community.visibility)
    if privacy.lowers(community.visibility, visibility):
        query["new_visibility"] = visibility
    if changes.get("listed") and not community.listed:
        query["new_listed"] = "1"
    return urlencode(query)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request, slug):
    community = selectors.community_by_slug_for(request.user, slug, "community.manage")
    form = CommunitySettingsForm(
        request.POST or None, instance=Community.objects.get(pk=community.pk)
    )
    proposal_query = "kind=visibility"
    members_decide = False
    lowering = None
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            services.update_settings(actor=request.user, community=community, **changes)
        except services.MembersDecide as error:
            # The form keeps what was typed; the page links to the proposal.
            members_decide = True
            proposal_query = _visibility_proposal_query(community, changes)
            field = "listed"
            if privacy.lowers(community.visibility, changes["visibility"]):
                field = "visibility"
                lowering = privacy.Lowering.of(community, changes["visibility"])
            form.add_error(field, error.message)
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("communities:settings", slug=community.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "communities/settings.html",
        {
            "community": community,
            "form": form,
            "members_decide": members_decide,
            "lowering": lowering,
            "proposal_query": proposal_query,
            "can_propose": permissions.can(request.user, "community.propose", community),
        },
        status=status,
    )


def _require_programme(request):
    permissions.require_or_404(request.user, "programme.manage")


@login_required
def programme(request):
    _require_programme(request)
    return render(request, "communities/programme.html", {"rows": selectors.programme_rows()})


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    _require_programme(request)
    form = NewCommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            community = services.create_community(
                actor=request.user, facilitators=form.cleaned_data["facilitators"], **fields
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is ready at /c/%(slug)s/.")
                % {"name": community.name, "slug": community.slug},
            )
            return redirect(community.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "communities/programme_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def appoint_facilitator(request, slug):
    community = selectors.community_by_slug_for(request.user, slug, "community.manage")
    form = AppointFacilitatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appoint_facilitator(actor=request.user, community=community, user=form.user)
        except UserFacingError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("%(person)s now facilitates %(name)s.")
                % {"person": form.user.name, "name": community.name},
            )
            return redirect("memberships:manage", slug=community.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "communities/appoint_facilitator.html",
        {
            "community": community,
            "form": form,
            "may_seat_first": permissions.can(
                request.user, "community.seat_first_facilitator", community
            ),
        },
        status=status,
    )
