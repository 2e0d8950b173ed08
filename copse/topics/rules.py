"""Who may edit a topic, until the permission core has a `topic.edit` rule.

The core has no named action for editing a topic yet, so this one function
states the rule in terms of the core's own answers and every caller (services,
selectors, views) asks it: the person who nominated the topic, while it is
still proposed and they may still nominate; or a facilitator (`topic.manage`).
It moves into copse/core/permissions.py as `topic.edit` when that file next
changes.
"""

from copse.core import permissions


def may_edit(user, topic) -> bool:
    if permissions.can(user, "topic.manage", topic):
        return True
    return (
        user is not None
        and user.is_authenticated
        and topic.proposed_by_id is not None
        and topic.proposed_by_id == user.pk
        and topic.status == "proposed"
        and permissions.can(user, "community.nominate_topic", topic.community)
    )
