"""What the library shows on a page of posts (the thread page loads these,
as it loads mailing's): items linked under each post, and "Save to library"
or the item a file became, beside each file. Two queries per page, whatever
it holds; only items the viewer may read appear at all."""

from django import template

from copse.library import selectors

register = template.Library()


@register.simple_tag
def library_for_posts(posts, user):
    return selectors.library_for_posts(user, posts)


@register.filter
def library_links_of(library, post) -> list:
    return library.links_of(post) if library else []


@register.filter
def library_item_saved_from(library, attachment):
    return library.saved_from(attachment) if library else None
