"""Trimming mail replies: what real mail programs add under or above what a
person wrote, and properties that hold for any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copse.mailing.quoting import html_to_text, trim

GMAIL_TOP_POST = """Thanks, we switched last spring.

On Mon, 3 Mar 2025 at 10:02, Ann Archer <ann@example.org> wrote:
> Has anyone moved off the old carrier?
>
> --
> Ann
"""

WRAPPED_ATTRIBUTION_BOTTOM_POST = """On Mon, 3 Mar 2025 at 10:02, Ann Archer
<ann@example.org> wrote:
> Has anyone moved off the old carrier?

Yes, in April.

--
Bob Baker | CIO, Northwind
+1 555 0100
"""

OUTLOOK = """Fine by me.

________________________________
From: Ann Archer <ann@example.org>
Sent: Monday, March 3, 2025 10:02 AM
To: Telecom CoP <telecom@copse.example>
Subject: Carriers

Has anyone moved off the old carrier?
"""

OUTLOOK_ORIGINAL = """Fine by me.

-----Original Message-----
From: Ann Archer
Sent: Monday
To: Telecom CoP
Subject: Carriers

Has anyone moved off the old carrier?
"""

IPHONE = """Yes.

Sent from my iPhone

> On 3 Mar 2025, at 10:02, Ann Archer <ann@example.org> wrote:
>
> Has anyone moved off the old carrier?
"""

UNMARKED_QUOTE = """Good point.

On Tue, 4 Mar 2025, Bob Baker wrote:
The original text, quoted without markers by an HTML mail program.
"""

INTERLEAVED = """On Mon, Ann wrote:
> Which carrier?
Northwind Telecom.
> And the price?
About a third less.
> Thanks!
"""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (GMAIL_TOP_POST, "Thanks, we switched last spring."),
        (WRAPPED_ATTRIBUTION_BOTTOM_POST, "Yes, in April."),
        (OUTLOOK, "Fine by me."),
        (OUTLOOK_ORIGINAL, "Fine by me."),
        (IPHONE, "Yes."),
        (UNMARKED_QUOTE, "Good point."),
        # An interleaved answer keeps the question between two answers.
        (INTERLEAVED, "Northwind Telecom.\n> And the price?\nAbout a third less."),
        ("Line one\r\nLine two\r\n-- \r\nSig", "Line one\nLine two"),
        ("> only a quote\n> nothing else", ""),
        ("", ""),
    ],
    ids=[
        "gmail-top-post",
        "wrapped-attribution-bottom-post",
        "outlook",
        "outlook-original-message",
        "iphone",
        "unmarked-quote",
        "interleaved",
        "crlf-signature",
        "only-quote",
        "empty",
    ],
)
def test_trim_keeps_only_what_the_person_wrote(raw, expected):
    assert trim(raw) == expected


def test_a_paragraph_that_merely_mentions_wrote_is_kept():
    text = "On reflection, here is what Ann wrote: it was fine.\nAnd more."
    assert trim(text) == text


def test_html_mail_becomes_text_without_markup_and_its_quote_is_trimmed():
    html = (
        "<html><head><title>t</title><style>p {color: red}</style></head><body>"
        '<div dir="ltr">Thanks &amp; <b>yes</b><br>see <a href="https://example.org/x">the'
        ' notes</a><script>alert("x")</script></div>'
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, Ann &lt;ann@example.org&gt;'
        ' wrote:<br></div><blockquote class="gmail_quote">Old text<br>more</blockquote></div>'
        "</body></html>"
    )
    text = html_to_text(html)
    assert "<" not in text.replace("<https://example.org/x>", "").replace("<ann@", "")
    assert "alert" not in text and "color" not in text
    assert "> Old text" in text
    assert trim(text) == "Thanks & yes\nsee the notes <https://example.org/x>"


def test_html_lists_and_paragraphs_keep_their_lines():
    text = html_to_text("<p>First</p><p>Second</p><ul><li>one</li><li>two</li></ul>")
    assert text.split("\n") == ["First", "Second", "- one", "- two"]


# --- Properties ----------------------------------------------------------------------

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=9
)
line = (
    st.lists(word, min_size=1, max_size=9)
    .map(" ".join)
    .filter(
        # A line that opens like an attribution ("On …", "Le …") is not ordinary prose.
        lambda s: s.split(" ")[0].lower() not in {"on", "le", "am", "el", "il", "op", "em"}
    )
)
paragraph = st.lists(line, min_size=1, max_size=4).map("\n".join)
trailer = st.sampled_from(
    [
        "",
        "On Mon, 3 Mar 2025, Ann <ann@example.org> wrote:\n> Earlier words\n> more",
        "> Earlier words",
        "-- \nAnn Archer\nNorthwind",
        "-----Original Message-----\nFrom: Ann\nSent: Monday\nTo: list\n\nEarlier",
        "Sent from my iPhone",
        "________________________________\nFrom: Ann\nSent: Monday\nSubject: x\n\nEarlier",
    ]
)


@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_trimming_never_returns_more_than_it_was_given(text):
    trimmed = trim(text)
    assert len(trimmed) <= len(text)
    assert trim(trimmed) == trimmed


@settings(max_examples=200, deadline=None)
@given(first=paragraph, rest=st.lists(paragraph, max_size=2), tail=trailer)
def test_trimming_never_drops_the_first_paragraph_the_person_wrote(first, rest, tail):
    own = "\n\n".join([first, *rest])
    trimmed = trim(own + "\n\n" + tail)
    assert trimmed.startswith(first)
    assert trimmed == own


@settings(max_examples=100, deadline=None)
@given(quote=st.lists(line, min_size=1, max_size=3), first=paragraph)
def test_a_quote_above_the_answer_goes_and_the_answer_stays(quote, first):
    quoted = "\n".join("> " + q for q in quote)
    assert trim(f"On Mon, Ann wrote:\n{quoted}\n\n{first}") == first
