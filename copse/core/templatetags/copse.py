from django import template

from copse.core import permissions
from copse.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.simple_tag
def can(user, action, obj=None):
    return permissions.can(user, action, obj)


@register.inclusion_tag("core/_avatar.html")
def avatar(user):
    return {"person": user}
