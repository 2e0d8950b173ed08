"""Every page of the demo, as each role: valid HTML (the Nu HTML checker) and
no serious or critical accessibility violation (axe-core in Chromium, at
desktop and phone widths).

The crawl (conftest.py) keeps up to three URLs of each URL pattern per role;
the HTML checker reads all of them, axe the first of each pattern per role
and width.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from page_audit.conftest import LANGUAGE_OF, MATRIX, ROLES, report
from page_audit.crawl import pattern_name

# The crawl writes the demo into the test database, which pytest-django sets up
# only for tests that ask for it.
pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parent.parent
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# `make page-audit` installs the checker and names it; run alone, the test
# looks where the Makefile puts it.
VNU_JAR = Path(
    os.environ.get("COPSE_VNU_JAR")
    or next(
        iter(sorted(REPO.glob(".cache/vnu-jar-*/node_modules/vnu-jar/build/dist/vnu.jar"))),
        REPO / ".cache" / "vnu-jar-VERSION" / "vnu.jar",
    )
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# GET patterns that answer with a file, not a page: nothing to validate or audit.
FILES = {
    "calendars:feed": "a person's calendar feed (text/calendar)",
    "calendars:meeting_ics": "a meeting's .ics file",
    "calendars:series_ics": "a series' .ics file",
    "conversations:attachment": "a file attached to a post, as uploaded",
    "conversations:summary_markdown": "an ask's summary as a Markdown file",
    "exports:community_download": "a community's export, a zip file",
    "exports:personal_download": "a copy of a person's own data, a zip file",
    "healthz": "the health check's plain-text answer",
    "library:download": "a library item's file, one version",
    "library:shared_download": "a library item's file, through its public link",
    "mailing:export_archive": "a community's archive as an mbox file",
    "mailing:original": "the original of a message that came in by mail",
    "meetings:material": "a meeting's uploaded material",
    "sponsors:report_csv": "the programme report's figures as CSV",
}
# Pages the demo cannot show, with the reason.
NOT_IN_THE_DEMO = {
    "mailing:confirm_held": (
        "the link mailed to the sender of a message held for confirmation; the demo "
        "receives no mail, so nothing is held"
    ),
}

# Only these impacts fail the audit; moderate and minor ones are listed in the summary.
FAILING_IMPACTS = {"serious", "critical"}
# axe rules switched off, each with its reason (also in docs/decisions.md).
AXE_RULES_OFF: dict[str, str] = {}

# A page with a fault each checker must find, so a checker that silently
# checks nothing fails the audit instead of passing it.
CANARY_HTML = (
    '<!doctype html><html lang="en"><head><title>Canary</title></head>'
    '<body><main><p>A stray end tag.</span></p><img src="/static/none.png"></main></body></html>'
)

RUN_AXE = """async (rulesOff) => {
  const rules = Object.fromEntries(rulesOff.map((id) => [id, {enabled: false}]));
  const result = await axe.run(document, {resultTypes: ['violations'], rules});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def test_the_crawl_reaches_every_page_a_role_may_see(crawls):
    """A GET pattern that answers 200 to some role in the authorization
    matrix is either a page that was crawled, a file, or listed as not in the demo."""
    pages = {page.name for crawl in crawls.values() for page in crawl.pages}
    files = {name for crawl in crawls.values() for name in crawl.files}
    # A row named "pattern#variant" asks the same URL about another object.
    shown = {
        name.split("#")[0] for name, row in MATRIX.items() if row[1] == "get" and 200 in row[4]
    }
    listed = set(FILES) | set(NOT_IN_THE_DEMO)
    assert listed <= set(MATRIX), f"Listed but no such URL: {sorted(listed - set(MATRIX))}"
    missing = shown - pages - listed
    tried = {
        f"{url} as {crawl.role}: {status}"
        for crawl in crawls.values()
        for url, status in crawl.statuses.items()
        if pattern_name(url) in missing
    }
    assert not missing, f"Pages the crawl never reached: {sorted(missing)}; tried {sorted(tried)}"
    # A pattern listed as a file must not turn out to be a page nobody checks.
    assert not (pages & set(FILES)), f"Listed as files but pages: {sorted(pages & set(FILES))}"
    assert files <= set(FILES), f"Files not listed in FILES: {sorted(files - set(FILES))}"


def test_every_page_says_the_language_it_is_written_in(crawls):
    """Each role's pages carry its reader's language in `<html lang>`, and a
    French reader's pages are French, not English with a French label."""
    wrong = []
    for role, crawl in crawls.items():
        language = LANGUAGE_OF.get(role, "en-gb")
        for page in crawl.pages:
            # The API's docs are Swagger UI's own page, in English for everyone.
            said = "en" if page.name.startswith("api:") else language
            if f'<html lang="{said}">' not in page.html:
                wrong.append(f"{page.url} as {role}")
    assert not wrong, f"Pages not in their reader's language: {wrong[:10]}"
    french = crawls["member_in_french"].pages
    assert len(french) > 50
    # A word of the navigation every signed-in page of the site shows.
    english = [
        page.url
        for page in french
        if 'class="site-nav"' in page.html and "Accueil" not in page.html
    ]
    assert not english, f"Pages with the navigation in English for a French reader: {english[:10]}"


def _vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            "The HTML check needs Java and the Nu HTML checker: `make page-audit` installs "
            f"the vnu-jar npm package into .cache/ (looked for {VNU_JAR}); Java is Debian's "
            "default-jre-headless.",
            pytrace=False,
        )
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout"]


def _kind_of(message: str) -> str:
    """The checker's message without the value that differs from page to page."""
    return re.sub(r"^Bad value “[^”]*”", "Bad value “…”", message)


def test_every_page_is_valid_html(crawls, tmp_path):
    started = time.monotonic()
    files = {}
    for crawl in crawls.values():
        for number, page in enumerate(crawl.pages):
            path = tmp_path / f"{crawl.role}-{number:03d}.html"
            path.write_text(page.html, encoding="utf-8")
            files[str(path)] = page
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY_HTML, encoding="utf-8")
    # One JVM for every page: starting Java is most of the cost.
    completed = subprocess.run(  # noqa: S603 (our own command line)
        [*_vnu_command(), str(canary), *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(completed.stdout)["messages"]
    assert any(
        urlsplit(m.get("url", "")).path == str(canary) and "Stray end tag" in m["message"]
        for m in messages
    ), f"The HTML checker missed the canary's error:\n{completed.stdout[:2000]}{completed.stderr}"
    messages = [m for m in messages if urlsplit(m.get("url", "")).path != str(canary)]
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    warnings = [m for m in messages if m.get("subType") == "warning"]
    places: dict[str, dict[str, list[str]]] = {"error": {}, "warning": {}}
    for level, found in (("error", errors), ("warning", warnings)):
        for message in found:
            page = files.get(urlsplit(message.get("url", "")).path)
            where = f"{page.url} as {page.role}" if page else message.get("url", "?")
            places[level].setdefault(_kind_of(message["message"]), []).append(
                f"{where}, line {message.get('lastLine')}: {message.get('extract', '').strip()!r}"
            )
    report.append(
        f"HTML check: {len(files)} pages ({len({p.name for p in files.values()})} URL patterns,"
        f" {len(ROLES)} roles) in {time.monotonic() - started:.0f} s; {len(errors)} errors,"
        f" {len(warnings)} warnings."
    )
    for level, kinds in places.items():
        for kind, where in sorted(kinds.items(), key=lambda item: -len(item[1])):
            report.append(f"  {level}: {len(where):4d} × {kind} (first: {where[0]})")
    examples = places["error"]
    details = [f"{kind}\n    " + "\n    ".join(where[:3]) for kind, where in examples.items()]
    assert not errors, "HTML errors (up to three places each):\n" + "\n".join(details)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_has_a_serious_accessibility_violation(crawls, open_page, live_server):
    from copse.accounts.models import User

    canary = open_page()
    canary.set_content(CANARY_HTML)
    canary.add_script_tag(path=str(AXE))
    assert "image-alt" in {v["id"] for v in canary.evaluate(RUN_AXE, list(AXE_RULES_OFF))}

    started = time.monotonic()
    in_axe = 0.0
    checked = 0
    failing = []
    # rule id -> impact, and the pages (pattern, role, width) where it fired
    seen: dict[str, tuple[str, set]] = {}
    for role, crawl in crawls.items():
        user = None if ROLES[role] is None else User.objects.get(email=ROLES[role])
        for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = open_page(viewport=viewport, user=user)
            page.context.add_init_script(path=str(AXE))
            for crawled in crawl.first_of_each_pattern():
                response = page.goto(crawled.url)
                assert response is not None and response.status == crawled.status, (
                    f"{crawled.url} as {role}: {response and response.status}"
                )
                checked += 1
                axe_started = time.monotonic()
                violations = page.evaluate(RUN_AXE, list(AXE_RULES_OFF))
                in_axe += time.monotonic() - axe_started
                for violation in violations:
                    where = (crawled.name, role, size_name)
                    seen.setdefault(violation["id"], (violation["impact"], set()))[1].add(where)
                    if violation["impact"] in FAILING_IMPACTS:
                        failing.append(
                            f"{violation['id']} ({violation['impact']}) on {crawled.url} as "
                            f"{role}, {size_name}: {violation['help']}; "
                            + ", ".join(violation["targets"][:5])
                        )
    report.append(
        f"axe-core: {checked} page loads (URL patterns × {len(ROLES)} roles × 2 widths) in "
        f"{time.monotonic() - started:.0f} s ({in_axe:.0f} s in axe); "
        f"{len(failing)} serious or critical violations."
    )
    for rule, (impact, where) in sorted(seen.items(), key=lambda item: -len(item[1][1])):
        patterns = sorted({name for name, _role, _size in where})
        report.append(f"  {rule} ({impact}): {len(where)} loads, on {', '.join(patterns[:6])}")
    assert not failing, "Accessibility violations:\n" + "\n".join(failing)
