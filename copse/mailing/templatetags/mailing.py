"""Template helpers for mail: which of the viewer's posts on a page came by
mail, so their author can open the original message."""

from django import template

from copse.mailing import selectors

register = template.Library()


@register.simple_tag
def mail_originals(posts, user):
    """{post id: inbound message id} for the viewer's own posts, in one query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return selectors.originals_of(user, posts)


@register.filter
def original_of(originals, post):
    return (originals or {}).get(post.pk)
