"""The meeting behind a meeting-record item, for `library/_meeting_materials.html`.

A tag, so that the partial brings what it shows with it and the item page
includes it with one line."""

from django import template

from copse.library import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_record_of(context, item):
    request = context.get("request")
    viewer = getattr(request, "user", None) or context.get("user")
    return selectors.meeting_record_of(viewer, item)
