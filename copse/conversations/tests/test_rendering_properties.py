"""Properties of quoting and rendering, for any text a member might write."""

from html.parser import HTMLParser
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from copse.conversations.rendering import quote_of, render_post

BAD_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "img", "form", "input"}


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def _post(body, name="Dev Patel"):
    return SimpleNamespace(body=body, position=3, author=SimpleNamespace(name=name))


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@settings(max_examples=150, deadline=None)
@given(body=text, name=st.text(min_size=1, max_size=40))
def test_a_quote_is_a_blockquote_holding_only_safe_markup(body, name):
    quoted = quote_of(_post(body, name))
    assert all(line.startswith(">") for line in quoted.rstrip("\n").split("\n"))
    parser = _Collect()
    parser.feed(str(render_post(quoted + "My answer")))
    assert "blockquote" in parser.tags
    assert not BAD_TAGS & set(parser.tags)
    assert not [a for a, _ in parser.attributes if a.startswith("on")]


@settings(max_examples=150, deadline=None)
@given(body=text)
def test_rendering_never_yields_active_content(body):
    parser = _Collect()
    parser.feed(str(render_post(body)))
    assert not BAD_TAGS & set(parser.tags)
    for attribute, value in parser.attributes:
        assert not attribute.startswith("on")
        if attribute == "href":
            assert (
                value.split(":", 1)[0].lower() in {"http", "https", "mailto"}
                or value.startswith(("/", "#"))
                or ":" not in value.split("/", 1)[0]
            )


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True), min_size=1, max_size=20))
def test_quoting_keeps_every_word_of_plain_text(words):
    body = " ".join(words)
    rendered = str(render_post(quote_of(_post(body))))
    for word in words:
        assert word in rendered
