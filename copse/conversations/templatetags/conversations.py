from django import template

from copse.conversations.rendering import render_post

register = template.Library()


@register.filter
def post_html(body):
    return render_post(body)
