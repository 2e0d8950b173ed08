"""Background work for meetings: reminders, waitlist promotions, changes, and
the monthly top-up of a series; and queueing the reminders and top-ups
(`schedule_reminders`, `plan_series_extension`), which services call.

Tasks take ids, load fresh rows, and notify through
`notifications.services.notify`, which re-checks that each recipient may still
see the meeting. In-app notifications now; the email layer will add mail.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task


def _meeting(meeting_id: int):
    from copse.meetings.models import Meeting

    return Meeting.objects.select_related("community").filter(pk=meeting_id).first()


@task()
def send_meeting_reminder(meeting_id: int, kind: str, planned_start: str) -> int:
    """A week or a day before: remind members who have not answered and those
    who said yes. Does nothing if the meeting moved or was cancelled since."""
    from django.utils.dateparse import parse_datetime

    from copse.meetings.selectors import reminder_audience
    from copse.notifications.services import notify

    meeting = _meeting(meeting_id)
    if meeting is None or meeting.is_cancelled:
        return 0
    if parse_datetime(planned_start) != meeting.starts_at:
        return 0
    sent = 0
    for user in reminder_audience(meeting):
        if notify(user=user, kind=kind, target=meeting, read_action="meeting.view"):
            sent += 1
    return sent


@task()
def tell_promoted(meeting_id: int, user_id: int) -> bool:
    from copse.accounts.models import User
    from copse.notifications.services import notify

    meeting = _meeting(meeting_id)
    user = User.objects.filter(pk=user_id).first()
    if meeting is None or user is None:
        return False
    return bool(
        notify(user=user, kind="promoted", target=meeting, read_action="meeting.view", again=True)
    )


@task()
def tell_delegate(meeting_id: int, delegate_id: int, principal_id: int) -> bool:
    from copse.accounts.models import User
    from copse.notifications.services import notify

    meeting = _meeting(meeting_id)
    people = {u.pk: u for u in User.objects.filter(pk__in=[delegate_id, principal_id])}
    if meeting is None or delegate_id not in people:
        return False
    return bool(
        notify(
            user=people[delegate_id],
            kind="delegated",
            target=meeting,
            actor=people.get(principal_id),
            read_action="meeting.view",
            again=True,
        )
    )


@task()
def tell_presenter(item_id: int, actor_id: int) -> bool:
    """Tell a presenter that the feedback on their presentation is shared
    with them; `notify` re-checks, so feedback unshared meanwhile says nothing."""
    from copse.accounts.models import User
    from copse.meetings.models import AgendaItem
    from copse.notifications.services import notify

    item = (
        AgendaItem.objects.select_related("meeting__community", "presenter")
        .filter(pk=item_id)
        .first()
    )
    if item is None or item.presenter is None:
        return False
    return bool(
        notify(
            user=item.presenter,
            kind="feedback_shared",
            target=item,
            actor=User.objects.filter(pk=actor_id).first(),
            read_action="agenda_item.read_shared_feedback",
            again=True,
        )
    )


@task()
def tell_attendees_of_change(meeting_id: int) -> int:
    """A moved or cancelled meeting: tell everyone who answered yes or maybe."""
    from copse.meetings.models import Rsvp
    from copse.notifications.services import notify

    meeting = _meeting(meeting_id)
    if meeting is None:
        return 0
    sent = 0
    rows = Rsvp.objects.filter(meeting=meeting, answer__in=["yes", "maybe"]).select_related("user")
    for row in rows:
        if notify(
            user=row.user,
            kind="meeting_changed",
            target=meeting,
            read_action="meeting.view",
            again=True,
        ):
            sent += 1
    return sent


@task()
def extend_series(series_id: int) -> int:
    """Keep six months of a series on the calendar: generate what is missing,
    then come back in a month. Ends when the series ends."""
    from copse.meetings.models import MeetingSeries
    from copse.meetings.series import add_missing_meetings

    series = MeetingSeries.objects.select_related("community", "created_by").filter(pk=series_id)
    series = series.first()
    if series is None or series.ended_at is not None:
        return 0
    created = add_missing_meetings(series)
    for meeting in created:
        transaction.on_commit(lambda m=meeting: schedule_reminders(m))
    plan_series_extension(series)
    return len(created)


# How often a series tops up its calendar (see extend_series).
EXTEND_EVERY = dt.timedelta(days=30)


def plan_series_extension(series) -> bool:
    """Queue the next top-up of the series' calendar, where the task backend
    can run work later (the database backend); no cron job is needed."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer or series.ended_at is not None:
        return False
    extend_series.using(run_after=timezone.now() + EXTEND_EVERY).enqueue(series.pk)
    return True


REMINDERS = {"reminder_week": dt.timedelta(days=7), "reminder_day": dt.timedelta(days=1)}


def schedule_reminders(meeting) -> int:
    """Queue the week-before and day-before reminders for the meeting's start.

    Each task carries the start it was planned for and does nothing if the
    meeting moved since (the move queued new ones). Backends that cannot defer
    (the test suite's immediate backend) queue nothing here; tests call the
    task directly.
    """
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer or meeting.is_cancelled:
        return 0
    now = timezone.now()
    queued = 0
    for kind, before in REMINDERS.items():
        when = meeting.starts_at - before
        if when <= now:
            continue
        send_meeting_reminder.using(run_after=when).enqueue(
            meeting.pk, kind, meeting.starts_at.isoformat()
        )
        queued += 1
    return queued


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "send_meeting_reminder": "a reminder is unique per person, kind and meeting",
    "tell_promoted": "a repeat only brings the same notification back to the top",
    "tell_delegate": "a repeat only brings the same notification back to the top",
    "tell_presenter": "a repeat only brings the same notification back to the top",
    "tell_attendees_of_change": "a repeat only brings the same notification back to the top",
    "extend_series": "it generates only the meetings still missing",
}
