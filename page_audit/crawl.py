"""Find every page a person can reach: follow the links of the pages Django
renders for them, starting from every page that needs no argument, and keep a
few concrete URLs of each URL pattern.

The crawl goes through Django's test client (no browser, no server), so it is
fast enough to visit a few hundred pages per role; the browser then loads one
URL per pattern to run axe on it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve


@dataclass
class Page:
    role: str
    name: str  # the URL pattern's name, "namespace:name"
    url: str  # path and query
    html: str
    status: int = 200


@dataclass
class Crawl:
    role: str
    pages: list[Page] = field(default_factory=list)
    # Every URL fetched, with its status: shows what was tried and refused.
    statuses: dict[str, int] = field(default_factory=dict)
    # Patterns that answered with something other than a page, by content type.
    files: dict[str, str] = field(default_factory=dict)

    def first_of_each_pattern(self) -> list[Page]:
        seen: dict[str, Page] = {}
        for page in self.pages:
            seen.setdefault(page.name, page)
        return list(seen.values())


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        absolute, _ = urldefrag(urljoin(f"http://testserver{base}", href))
        parts = urlsplit(absolute)
        if parts.scheme != "http" or parts.netloc != "testserver":
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def pattern_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(
    client: Client,
    role: str,
    seeds: list[str],
    *,
    per_pattern: int = 3,
) -> Crawl:
    """Breadth-first from `seeds`, at most `per_pattern` URLs of each pattern.

    Only GET requests are made; a redirect's target is followed like a link.
    """
    result = Crawl(role)
    queue: deque[tuple[str, str]] = deque()
    queued: set[str] = set()
    found: dict[str, int] = {}
    tried: dict[str, int] = {}

    def enqueue(url: str) -> None:
        if url in queued:
            return
        # Static files and anything else outside the URLconf are not pages.
        name = pattern_name(url)
        if name is None:
            return
        queued.add(url)
        queue.append((name, url))

    for seed in seeds:
        enqueue(seed)
    while queue:
        name, url = queue.popleft()
        # A pattern's links may lead to pages this role may not open, so a few
        # more tries than pages are allowed before the pattern is left alone.
        if found.get(name, 0) >= per_pattern or tried.get(name, 0) >= per_pattern + 3:
            continue
        tried[name] = tried.get(name, 0) + 1
        response = client.get(url)
        result.statuses[url] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308):
            # The redirect's target may be of a pattern seen already; that is fine.
            enqueue(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            result.files[name] = content_type.split(";")[0]
            continue
        html = response.content.decode(response.charset or "utf-8")
        found[name] = found.get(name, 0) + 1
        result.pages.append(Page(role, name, url, html))
        for link in links_of(html, url):
            enqueue(link)
    return result
