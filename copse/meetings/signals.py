"""Signals other apps listen to, so that meetings does not import them."""

from django.dispatch import Signal

# Sent inside the transaction that published a meeting's summary, or changed
# one already published, with `meeting`, `actor` and `change_note` (empty on
# first publication). The library files the summary as the meeting's record;
# inside the transaction, so a published summary never lacks its record.
summary_published = Signal()

# Sent after commit when someone was recorded present at a meeting (they
# were not before), with `meeting` and `user`. Value asks them once, after
# the meeting, whether it saved them time or money.
attendance_recorded = Signal()

# Sent when a meeting was put on the calendar, with `meeting`: inside the
# transaction that created it, or, for a series' meetings, as they are
# generated (in the caller's transaction, if any).
meeting_created = Signal()

# Sent inside the transaction that changed a meeting, with `meeting` and
# `fields` (the names of what changed).
meeting_changed = Signal()

# Sent inside the transaction that cancelled a meeting, with `meeting`.
meeting_cancelled = Signal()

# Sent inside the transaction that saved someone's answer to a meeting (a
# first answer or a changed one, or a delegate sent in a member's place),
# with `rsvp`.
rsvp_answered = Signal()
