""" "Did this save you time or money?" on the pages where the question comes
up: a community's home (every pending one, newest few) and a thread's page
(the one about that thread). Those pages load this library, so neither
communities nor conversations imports value."""

from django import template

register = template.Library()


@register.inclusion_tag("value/_prompts.html", takes_context=True)
def value_prompts(context, viewer, community, thread=None):
    """The viewer's pending prompts in `community` (about `thread` only, when
    given). No query for anyone who may not record value there."""
    from copse.value.selectors import pending_prompts

    request = context.get("request")
    return {
        "prompts": pending_prompts(viewer, community, thread=thread),
        "community": community,
        "thread": thread,
        "csrf_token": context.get("csrf_token"),
        "back": request.get_full_path() if request is not None else "",
    }


@register.filter
def plural_count(amount) -> int:
    """An amount (hours, which may have a decimal) as the whole number that
    chooses its plural: 1 only for exactly one, 0 below it, at least 2 above
    it ("0.5 hours", "1 hour", "1.5 hours" in English). Plural rules take
    whole numbers only."""
    if amount is None:
        return 0
    if amount == 1:
        return 1
    return 0 if amount < 1 else max(2, int(amount))
