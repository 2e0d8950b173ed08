"""Topic pages: the backlog with its status tabs, nominating, voting, editing,
and the facilitators' status changes.

Every form works as a plain POST that redirects back with a message; with htmx,
a vote swaps just that topic's row (the `topic-row` partial).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.topics import selectors, services
from copse.topics.forms import TopicForm
from copse.topics.models import Topic

TAB_LABELS = {
    Topic.Status.PROPOSED: pgettext_lazy("topic status", "Proposed"),
    Topic.Status.SCHEDULED: pgettext_lazy("topic status", "Scheduled"),
    Topic.Status.COVERED: pgettext_lazy("topic status", "Covered"),
    Topic.Status.PARKED: pgettext_lazy("topic status", "Parked"),
}


def _backlog_url(slug, *, status=Topic.Status.PROPOSED, after="", anchor="") -> str:
    query = {}
    if status != Topic.Status.PROPOSED:
        query["status"] = status
    if after:
        query["after"] = after[:100]
    url = reverse("topics:backlog", args=[slug])
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def _notice(user, community, can_nominate):
    """Why a seated person sees no nominate form or vote buttons, if they don't."""
    if can_nominate:
        return None
    standing = permissions.standing(user, community)
    if not standing.is_seated:
        return None
    if standing.is_active_contributor:
        return "norms"
    if standing.membership.status == "on_leave":
        return "on_leave"
    if standing.role == "delegate":
        return "delegate"
    return None


def _render_backlog(request, community, *, status, after, form, http_status=200, open_form=False):
    user = request.user
    page = selectors.backlog(user, community, status=status, after=after)
    counts = selectors.status_counts(user, community)
    can_nominate = permissions.can(user, "community.nominate_topic", community)
    context = {
        "community": community,
        "page": page,
        "status": page.status,
        # The page being shown, so its forms can send the reader back to it.
        "after": (after or "")[:100],
        "tabs": [(value, label, counts[value]) for value, label in TAB_LABELS.items()],
        "form": form,
        "open_form": open_form or (form is not None and bool(form.errors)),
        "can_nominate": can_nominate,
        "notice": _notice(user, community, can_nominate),
    }
    return render(request, "topics/backlog.html", context, status=http_status)


def backlog(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    status = request.GET.get("status", "")
    if status not in Topic.Status.values:
        status = Topic.Status.PROPOSED
    form = None
    if status == Topic.Status.PROPOSED and permissions.can(
        request.user, "community.nominate_topic", community
    ):
        form = TopicForm(community=community)
    return _render_backlog(
        request,
        community,
        status=status,
        after=request.GET.get("after", ""),
        form=form,
        open_form=request.GET.get("nominate") == "1",
    )


@login_required
@require_POST
def nominate(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    form = TopicForm(request.POST, community=community)
    http_status = 400
    if form.is_valid():
        try:
            topic = services.nominate(
                actor=request.user, community=community, **form.topic_fields()
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
            http_status = error.status
        else:
            messages.success(
                request,
                _("“%(title)s” is in the backlog. Members can vote for it now.")
                % {"title": topic.title},
            )
            return redirect(_backlog_url(slug, anchor=f"topic-{topic.pk}"))
    # Show the backlog again with what was typed and what to fix.
    return _render_backlog(
        request,
        community,
        status=Topic.Status.PROPOSED,
        after="",
        form=form,
        http_status=http_status,
    )


@login_required
@require_POST
def vote(request, slug, topic_id):
    """Vote for a topic, or take the vote back (`withdraw=1`). Both are idempotent."""
    topic = selectors.topic_for(request.user, slug, topic_id)
    withdraw = request.POST.get("withdraw") == "1"
    after = request.POST.get("after", "")
    error = None
    try:
        if withdraw:
            services.withdraw_vote(actor=request.user, topic=topic)
        else:
            services.vote(actor=request.user, topic=topic)
    except UserFacingError as exc:
        error = exc.message
    if request.htmx:
        selectors.with_viewer_state(request.user, topic.community, [topic])
        return render(
            request,
            "topics/backlog.html#topic-row",
            {"community": topic.community, "topic": topic, "after": after, "row_error": error},
        )
    if error:
        messages.error(request, error)
    elif withdraw:
        messages.success(
            request, _("You withdrew your vote for “%(title)s”.") % {"title": topic.title}
        )
    else:
        messages.success(
            request,
            ngettext(
                "You voted for “%(title)s”; it has %(count)s vote.",
                "You voted for “%(title)s”; it has %(count)s votes.",
                topic.vote_count,
            )
            % {"title": topic.title, "count": topic.vote_count},
        )
    return redirect(_backlog_url(slug, after=after, anchor=f"topic-{topic.pk}"))


@login_required
@require_POST
def set_status(request, slug, topic_id):
    topic = selectors.topic_for(request.user, slug, topic_id)
    permissions.require_or_404(request.user, "topic.manage", topic)
    previous = topic.status
    try:
        services.set_status(actor=request.user, topic=topic, status=request.POST.get("status", ""))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        if topic.status != previous:
            messages.success(
                request,
                _("“%(title)s” is %(status)s now. It is under %(tab)s.")
                % {
                    "title": topic.title,
                    "status": topic.get_status_display().lower(),
                    "tab": TAB_LABELS[topic.status],
                },
            )
    # Back to the tab the facilitator was on; to the row itself if it is still there.
    anchor = f"topic-{topic.pk}" if topic.status == previous else ""
    return redirect(
        _backlog_url(slug, status=previous, after=request.POST.get("after", ""), anchor=anchor)
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug, topic_id):
    topic = selectors.topic_for(request.user, slug, topic_id)
    permissions.require_or_404(request.user, "topic.edit", topic)
    community = topic.community
    form = TopicForm(
        request.POST or None,
        community=community,
        current_area=topic.area,
        initial={"title": topic.title, "why": topic.why, "area": topic.area},
    )
    http_status = 200
    if request.method == "POST":
        http_status = 400
        if form.is_valid():
            try:
                services.edit(actor=request.user, topic=topic, **form.topic_fields())
            except UserFacingError as error:
                form.add_error(None, error.message)
                http_status = error.status
            else:
                messages.success(request, _("Topic saved."))
                return redirect(_backlog_url(slug, status=topic.status, anchor=f"topic-{topic.pk}"))
    return render(
        request,
        "topics/edit.html",
        {"community": community, "topic": topic, "form": form},
        status=http_status,
    )
