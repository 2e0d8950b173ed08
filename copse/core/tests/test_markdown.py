"""Members' Markdown, rendered for other members: an XSS corpus and a property.

Each payload is something an attacker might paste into a post, a bio or the
norms. The rendered HTML is parsed the way a browser would read it and must
hold no element that runs code or loads content, no event handler, and no
link anywhere but http(s) or mailto; every link is marked as user content.
"""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copse.core.markdown import render_markdown, without_control_characters

FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "video",
    "audio",
    "source",
    "form",
    "input",
    "button",
    "meta",
    "link",
    "base",
    "details",
    "body",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background"}
SAFE_SCHEMES = {"http", "https", "mailto"}
REQUIRED_REL = {"nofollow", "noopener", "ugc"}


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them
    (character references in attribute values are decoded)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, or None for a relative URL.

    Browsers drop leading spaces and control characters and ignore tabs and
    newlines anywhere in a URL, so "\\tjava\\nscript:" is still javascript:.
    """
    cleaned = value.lstrip("".join(chr(c) for c in range(33)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_harmless(html: str) -> None:
    for tag, attrs in Elements(html).elements:
        assert tag not in FORBIDDEN_ELEMENTS, f"<{tag}> in {html!r}"
        names = [name for name, _ in attrs]
        assert not [n for n in names if n.startswith("on")], f"event handler in {html!r}"
        assert "style" not in names, f"style attribute in {html!r}"
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {html!r}"
        if tag == "a":
            rel = dict(attrs).get("rel") or ""
            assert set(rel.split()) >= REQUIRED_REL, f"link without rel in {html!r}"


XSS_CORPUS = [
    # Script elements, plain and disguised
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    '"><script>alert(1)</script>',
    "\x00<script>alert(1)</script>",
    # Event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"',
    "'><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    # javascript:, vbscript: and data: links in HTML form
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # Markdown link and image forms
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](<java\tscript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://evil.example/pixel.png)",
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    # Autolinks
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    # Attributes breaking out of quotes
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '<https://ok.example/" onclick="alert(1)>',
    "[x](https://ok.example/'onmouseover='alert(1))",
    # SVG, MathML, frames, objects, styles
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<object data="javascript:alert(1)"></object>',
    "<embed src=javascript:alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # Comments and malformed markup
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<div <script>alert(1)</script>>",
    "<a href='https://ok.example'>unclosed",
    "<img/src=x/onerror=alert(1)>",
    # Inside Markdown structures
    "> <script>alert(1)</script>",
    "- [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
]


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(XSS_CORPUS) >= 30
    assert len(set(XSS_CORPUS)) == len(XSS_CORPUS)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_payload_renders_harmless(payload):
    assert_harmless(str(render_markdown(payload)))


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_payload_is_harmless_inside_ordinary_text(payload):
    text = f"Before the meeting, read this:\n\n{payload}\n\nThanks, *Maria*"
    html = str(render_markdown(text))
    assert_harmless(html)
    assert "Thanks" in html


def test_typed_markup_is_shown_as_text_not_dropped():
    # A member who writes about HTML keeps their words; they are only escaped.
    html = str(render_markdown("Our intranet shows <script>alert(1)</script> in a banner"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_ordinary_links_survive_with_user_content_rel():
    html = str(
        render_markdown(
            "See [the SOP](https://university.example/sop) or "
            "[mail Lee](mailto:lee@university.example) and <https://copse.example/c/x/>."
        )
    )
    links = [dict(attrs) for tag, attrs in Elements(html).elements if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://university.example/sop",
        "mailto:lee@university.example",
        "https://copse.example/c/x/",
    ]
    for link in links:
        assert set(link["rel"].split()) == REQUIRED_REL


def test_relative_links_stay_relative():
    html = str(render_markdown("[the norms](/c/sv-cio-cop/norms/) and [top](#top)"))
    hrefs = [dict(attrs)["href"] for tag, attrs in Elements(html).elements if tag == "a"]
    assert hrefs == ["/c/sv-cio-cop/norms/", "#top"]


def test_dangerous_link_keeps_its_text():
    html = str(render_markdown("[the agenda](javascript:alert(1))"))
    assert "the agenda" in html
    assert "javascript" not in "".join(
        value or "" for _, attrs in Elements(html).elements for _, value in attrs
    )


def test_markdown_formatting_still_works():
    html = str(render_markdown("# Norms\n\n1. **Confidential**\n2. ~~Late~~ on time\n\n> quoted"))
    tags = [tag for tag, _ in Elements(html).elements]
    for tag in ("h1", "ol", "li", "strong", "s", "blockquote"):
        assert tag in tags


def test_control_characters_are_dropped_but_tabs_and_newlines_kept():
    assert without_control_characters("a\x00b\x1bc\td\r\ne\x7f") == "abc\td\ne"


def test_the_url_scheme_helper_sees_what_a_browser_sees():
    # The assertions above rely on it; make sure it can say "javascript".
    assert url_scheme(" \tJava\nScript:alert(1)") == "javascript"
    assert url_scheme("/c/x/") is None
    assert url_scheme("https://x.example") == "https"


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href="&#106;avascript:alert(1)" rel="nofollow noopener ugc">x</a>',
        '<a href="https://ok.example">no rel</a>',
        '<span style="color:red">x</span>',
        "<svg></svg>",
    ],
)
def test_the_checker_rejects_what_it_should(unsafe):
    # Unsanitized HTML must fail the check, or the corpus above proves nothing.
    with pytest.raises(AssertionError):
        assert_harmless(unsafe)


# --- Property ----------------------------------------------------------------

FRAGMENTS = [
    "<",
    ">",
    "</",
    "/>",
    "script",
    "SCRIPT",
    "img",
    "svg",
    "iframe",
    " ",
    "\n",
    "\t",
    "=",
    '"',
    "'",
    "`",
    "on",
    "onerror",
    "onload=",
    "alert(1)",
    "javascript:",
    "&#",
    "&#58;",
    "x;",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<!--",
    "-->",
    "*",
    "_",
    "> ",
    "- ",
    "```",
    "|",
    "\\",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map(
    "".join
)
ON_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]*\s*=", re.IGNORECASE)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), markdownish))
def test_rendering_never_yields_a_script_or_an_event_handler(text):
    html = str(render_markdown(text))
    assert "<script" not in html.lower()
    assert not ON_ATTRIBUTE.search(html)
    assert_harmless(html)
