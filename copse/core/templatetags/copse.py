from django import template

from copse.core import permissions
from copse.core.markdown import plain_text as markdown_as_plain_text
from copse.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def plain_text(text, style=""):
    """Markdown shown without rendering it (an excerpt): its words, no syntax.
    `|plain_text:"one_line"` puts every block on one line."""
    return markdown_as_plain_text(text or "", one_line=style == "one_line")


@register.simple_tag
def can(user, action, obj=None):
    return permissions.can(user, action, obj)


@register.inclusion_tag("core/_avatar.html")
def avatar(user):
    return {"person": user}
