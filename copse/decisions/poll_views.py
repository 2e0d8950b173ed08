"""Date poll pages: the list, proposing times, the poll with everyone's
answers, answering, picking the time and closing.

Plain POST forms that redirect back with a message; one that cannot be
saved comes back with what was typed and the reason, at 400 (403 where the
person may read the poll but not do that).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError, attempt, submit
from copse.decisions import polls
from copse.decisions.models import DatePoll
from copse.decisions.poll_forms import PollForm
from copse.decisions.titles import MAX_TITLE
from copse.meetings import recurrence
from copse.meetings.models import Format


@require_GET
def poll_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    page = polls.poll_list(
        request.user,
        community,
        state=request.GET.get("state", "open"),
        after=request.GET.get("after", ""),
    )
    return render(
        request,
        "decisions/polls/list.html",
        {
            "community": community,
            "page": page,
            "can_propose_dates": permissions.can(
                request.user, "community.propose_dates", community
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.propose_dates")
    movable = polls.meetings_to_move(request.user, community)
    status = 200
    if request.method == "POST":
        form = PollForm(request.POST, meetings=movable)
        sent = submit(
            form,
            lambda data: polls.create_poll(
                actor=request.user,
                community=community,
                title=data["title"],
                details=data["details"],
                purpose=data["purpose"],
                times=data["times"],
                time_zone=data["time_zone"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                cadence=data["cadence"],
                meeting=data["meeting"],
            ),
        )
        if sent.saved:
            messages.success(
                request,
                gettext("Your date poll is open. Every member has been asked when they can come."),
            )
            return redirect(sent.result.get_absolute_url())
        status = sent.status
    else:
        initial = {
            "time_zone": request.user.time_zone or "UTC",
            "duration_minutes": 90,
            "format": Format.ONLINE,
        }
        purpose = request.GET.get("purpose", "")
        if purpose in DatePoll.Purpose.values:
            initial["purpose"] = purpose
        meeting_id = cursors.integer(request.GET.get("meeting"), minimum=1)
        meeting = movable.filter(pk=meeting_id).first() if meeting_id else None
        if meeting is not None:
            initial.update(
                purpose=DatePoll.Purpose.MOVE,
                meeting=meeting.pk,
                title=(gettext("New time for %(title)s") % {"title": meeting.title})[:MAX_TITLE],
                duration_minutes=meeting.length_minutes,
            )
        form = PollForm(initial=initial, meetings=movable)
    return render(
        request,
        "decisions/polls/new.html",
        {"community": community, "form": form},
        status=status,
    )


def _detail(request, poll, *, status=200, answer_error="", choose_error="", typed=None):
    viewer = request.user
    view = polls.poll_view(viewer, poll)
    if typed is not None:
        for option in view.options:
            option.mine = typed.get(option.pk, option.mine)
    return render(
        request,
        "decisions/polls/detail.html",
        {
            "community": poll.community,
            "poll": poll,
            "view": view,
            "viewer": viewer,
            "can_answer": permissions.can(viewer, "poll.answer", poll),
            "can_decide": permissions.can(viewer, "poll.decide", poll),
            "can_close": permissions.can(viewer, "poll.close", poll),
            "answer_error": answer_error,
            "choose_error": choose_error,
            "answers": polls.ANSWERS.choices,
            "cadence_label": recurrence.CADENCES.get(poll.cadence, ("",))[0].lower(),
        },
        status=status,
    )


@require_GET
def poll_detail(request, slug, poll_id):
    poll = _poll(request, slug, poll_id)
    return _detail(request, poll)


def _poll(request, slug, poll_id):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    return polls.poll_for(request.user, community, poll_id)


def _back(poll, anchor=""):
    return redirect(poll.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def poll_answer(request, slug, poll_id):
    poll = _poll(request, slug, poll_id)
    option_ids = list(poll.options.values_list("pk", flat=True))
    typed = {pk: request.POST.get(f"answer_{pk}", "") for pk in option_ids}
    try:
        polls.answer_poll(actor=request.user, poll=poll, answers=typed)
    except UserFacingError as error:
        clean = {k: v for k, v in typed.items() if v in polls.ANSWERS.values or not v}
        return _detail(request, poll, status=error.status, answer_error=error.message, typed=clean)
    messages.success(
        request, gettext("Your answers are saved. You can change them while the poll is open.")
    )
    return _back(poll, "answers")


@login_required
@require_POST
def poll_choose(request, slug, poll_id):
    poll = _poll(request, slug, poll_id)
    option_id = cursors.integer(request.POST.get("option"), minimum=1)
    try:
        if option_id is None:
            if not permissions.can(request.user, "poll.decide", poll):
                raise polls.NotAllowed(
                    gettext("Only the poll's proposer or a facilitator picks the time.")
                )
            raise polls.PollError(gettext("Choose one of the times."))
        meeting = polls.choose_time(actor=request.user, poll=poll, option_id=option_id)
    except UserFacingError as error:
        return _detail(request, poll, status=error.status, choose_error=error.message)
    if poll.purpose == DatePoll.Purpose.MOVE:
        done = gettext("The meeting has moved. Those who said they would come are told.")
    elif poll.purpose == DatePoll.Purpose.SERIES:
        done = gettext("The series is on the calendar, starting at the time chosen.")
    else:
        done = gettext("The time is chosen and the meeting is on the calendar.")
    messages.success(request, done)
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def poll_close(request, slug, poll_id):
    poll = _poll(request, slug, poll_id)
    attempt(
        request,
        lambda: polls.close_poll(actor=request.user, poll=poll),
        done=gettext("The poll is closed without a time."),
    )
    return _back(poll)
