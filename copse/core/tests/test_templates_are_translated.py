"""Every word a template shows is marked for translation.

Each template is read with Django's own lexer. Template tags and variables are
set aside (what they print is translated where it is made), and so is the
text between `{% blocktranslate %}` and its end; what is left is parsed as
HTML, and any word in a text node or in an attribute a person reads
(`aria-label`, `title`, `alt`, `placeholder`, a button's `value`...) is an
unmarked string. Mail templates (`.txt`) are text throughout.

Templates not yet marked are listed in NOT_YET_MARKED. The list only
shrinks: a listed template that is now clean fails too, so that it is taken
off and stays clean.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for pattern in ("*/templates/**/*.html", "*/templates/**/*.txt", "templates/**/*.*")
    for path in ROOT.glob(pattern)
    if path.is_file()
)

# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = {
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-placeholder",
    "aria-valuetext",
    "title",
    "alt",
    "placeholder",
    "label",
    "data-label",
    "data-confirm",
}
# Words that are the same in every language: the product's name and the
# names of formats and standards.
NAMES = {"Copse", "Markdown", "iCalendar", "ICS", "CSV", "JSON", "PDF", "RSS", "Atom", "OpenID"}
WORD = re.compile(r"[^\W\d_]{2,}")
# What stands in for a tag or a variable, so that text around one stays text.
HOLE = "\x00"


def _words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.replace(HOLE, " ")) if word not in NAMES]


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            if (
                value
                and (
                    name in READ_ATTRIBUTES
                    or (
                        name == "value"
                        and tag == "input"
                        and values.get("type") in ("submit", "button", "reset")
                    )
                    or (name == "content" and values.get("name") == "description")
                )
                and _words(value)
            ):
                self.found.append(f'{name}="{value.replace(HOLE, " ").strip()}"')

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and _words(data):
            self.found.append(" ".join(data.replace(HOLE, " ").split()))


def _untranslated_text(source: str) -> str:
    """The template with every tag, variable, comment and translated block
    replaced by a hole."""
    kept = []
    skipping = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skipping:
                if name == skipping:
                    skipping = None
            elif name in ("blocktranslate", "blocktrans"):
                skipping = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name in ("comment", "verbatim"):
                skipping = "end" + name
            kept.append(HOLE)
        elif skipping:
            continue
        elif token.token_type == TokenType.TEXT:
            kept.append(token.contents)
        else:
            kept.append(HOLE)
    return "".join(kept)


def unmarked_strings(path: Path) -> list[str]:
    text = _untranslated_text(path.read_text())
    if path.suffix == ".txt":
        return [
            " ".join(line.replace(HOLE, " ").split()) for line in text.splitlines() if _words(line)
        ]
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    return parser.found


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# Templates still to mark. Take a template off when it is marked; the test
# below fails for one that is listed but already clean.
NOT_YET_MARKED: set[str] = {
    "audit/templates/audit/log.html",
    "calendars/templates/calendars/settings.html",
    "communities/templates/communities/_join_button.html",
    "communities/templates/communities/appoint_facilitator.html",
    "communities/templates/communities/directory.html",
    "communities/templates/communities/home.html",
    "communities/templates/communities/members.html",
    "communities/templates/communities/programme.html",
    "communities/templates/communities/programme_new.html",
    "communities/templates/communities/settings.html",
    "conversations/templates/conversations/_attachments.html",
    "conversations/templates/conversations/_post.html",
    "conversations/templates/conversations/_thread_posts.html",
    "conversations/templates/conversations/_thread_row.html",
    "conversations/templates/conversations/catalogue.html",
    "conversations/templates/conversations/catalogue_manage.html",
    "conversations/templates/conversations/edit_post.html",
    "conversations/templates/conversations/move_thread.html",
    "conversations/templates/conversations/new_thread.html",
    "conversations/templates/conversations/post_history.html",
    "conversations/templates/conversations/remove_post.html",
    "conversations/templates/conversations/summary.html",
    "conversations/templates/conversations/summary_print.html",
    "conversations/templates/conversations/tag.html",
    "conversations/templates/conversations/thread.html",
    "conversations/templates/conversations/thread_list.html",
    "decisions/templates/decisions/_waiting.html",
    "decisions/templates/decisions/amendments/_row.html",
    "decisions/templates/decisions/amendments/detail.html",
    "decisions/templates/decisions/amendments/list.html",
    "decisions/templates/decisions/amendments/new.html",
    "decisions/templates/decisions/detail.html",
    "decisions/templates/decisions/email/community_decided_body.txt",
    "decisions/templates/decisions/email/community_decided_subject.txt",
    "decisions/templates/decisions/list.html",
    "decisions/templates/decisions/mail/_footer.html",
    "decisions/templates/decisions/mail/_footer.txt",
    "decisions/templates/decisions/mail/_how_to_answer.html",
    "decisions/templates/decisions/mail/_how_to_answer.txt",
    "decisions/templates/decisions/mail/answer_refused_body.txt",
    "decisions/templates/decisions/mail/answer_refused_subject.txt",
    "decisions/templates/decisions/mail/answered_body.txt",
    "decisions/templates/decisions/mail/answered_subject.txt",
    "decisions/templates/decisions/mail/date_poll.html",
    "decisions/templates/decisions/mail/date_poll.txt",
    "decisions/templates/decisions/mail/date_poll_link_only.html",
    "decisions/templates/decisions/mail/date_poll_link_only.txt",
    "decisions/templates/decisions/mail/date_poll_link_only_subject.txt",
    "decisions/templates/decisions/mail/date_poll_subject.txt",
    "decisions/templates/decisions/mail/norms_review.html",
    "decisions/templates/decisions/mail/norms_review.txt",
    "decisions/templates/decisions/mail/norms_review_link_only.html",
    "decisions/templates/decisions/mail/norms_review_link_only.txt",
    "decisions/templates/decisions/mail/norms_review_link_only_subject.txt",
    "decisions/templates/decisions/mail/norms_review_subject.txt",
    "decisions/templates/decisions/mail/proposal.html",
    "decisions/templates/decisions/mail/proposal.txt",
    "decisions/templates/decisions/mail/proposal_link_only.html",
    "decisions/templates/decisions/mail/proposal_link_only.txt",
    "decisions/templates/decisions/mail/proposal_link_only_subject.txt",
    "decisions/templates/decisions/mail/proposal_subject.txt",
    "decisions/templates/decisions/new.html",
    "decisions/templates/decisions/new_communities/_row.html",
    "decisions/templates/decisions/new_communities/detail.html",
    "decisions/templates/decisions/new_communities/mine.html",
    "decisions/templates/decisions/new_communities/new.html",
    "decisions/templates/decisions/new_communities/queue.html",
    "decisions/templates/decisions/nominations/_row.html",
    "decisions/templates/decisions/nominations/detail.html",
    "decisions/templates/decisions/nominations/list.html",
    "decisions/templates/decisions/nominations/new.html",
    "decisions/templates/decisions/polls/_rows.html",
    "decisions/templates/decisions/polls/_section.html",
    "decisions/templates/decisions/polls/detail.html",
    "decisions/templates/decisions/polls/list.html",
    "decisions/templates/decisions/polls/new.html",
    "decisions/templates/decisions/revise.html",
    "expertise/templates/expertise/community.html",
    "expertise/templates/expertise/edit_expertise.html",
    "expertise/templates/expertise/experience_form.html",
    "expertise/templates/expertise/mine.html",
    "expertise/templates/expertise/who_has_used.html",
    "health/templates/health/_network.html",
    "health/templates/health/_network_measures.html",
    "health/templates/health/health.html",
    "health/templates/health/mail/_footer.html",
    "health/templates/health/mail/_footer.txt",
    "health/templates/health/mail/nudge.html",
    "health/templates/health/mail/nudge.txt",
    "health/templates/health/mail/nudge_link_only.html",
    "health/templates/health/mail/nudge_link_only.txt",
    "health/templates/health/mail/nudge_link_only_subject.txt",
    "health/templates/health/mail/nudge_subject.txt",
    "health/templates/health/nudge.html",
    "health/templates/health/progress.html",
    "health/templates/health/settings.html",
    "home/templates/home/index.html",
    "library/templates/library/_credit.html",
    "library/templates/library/_meeting_materials.html",
    "library/templates/library/_post_links.html",
    "library/templates/library/adapt.html",
    "library/templates/library/add.html",
    "library/templates/library/edit.html",
    "library/templates/library/item.html",
    "library/templates/library/list.html",
    "library/templates/library/new_version.html",
    "library/templates/library/remove.html",
    "library/templates/library/reuse.html",
    "library/templates/library/save_attachment.html",
    "library/templates/library/share.html",
    "library/templates/library/shared.html",
    "library/templates/library/version.html",
    "mailing/templates/mailing/_bounce.html",
    "mailing/templates/mailing/announcement.html",
    "mailing/templates/mailing/announcement.txt",
    "mailing/templates/mailing/announcement_link_only.html",
    "mailing/templates/mailing/announcement_link_only.txt",
    "mailing/templates/mailing/confirm_held.html",
    "mailing/templates/mailing/content_policy.html",
    "mailing/templates/mailing/digest.html",
    "mailing/templates/mailing/digest.txt",
    "mailing/templates/mailing/digest_link_only.html",
    "mailing/templates/mailing/digest_link_only.txt",
    "mailing/templates/mailing/digest_link_only_subject.txt",
    "mailing/templates/mailing/digest_subject.txt",
    "mailing/templates/mailing/inbound/confirm_body.txt",
    "mailing/templates/mailing/inbound/confirm_subject.txt",
    "mailing/templates/mailing/inbound/files_not_kept_body.txt",
    "mailing/templates/mailing/inbound/files_not_kept_subject.txt",
    "mailing/templates/mailing/inbound/refused_body.txt",
    "mailing/templates/mailing/inbound/refused_subject.txt",
    "mailing/templates/mailing/inbound/subscribe_body.txt",
    "mailing/templates/mailing/inbound/subscribe_subject.txt",
    "mailing/templates/mailing/inbound/unsubscribe_body.txt",
    "mailing/templates/mailing/inbound/unsubscribe_subject.txt",
    "mailing/templates/mailing/link_only.html",
    "mailing/templates/mailing/link_only.txt",
    "mailing/templates/mailing/link_only_subject.txt",
    "mailing/templates/mailing/notice.html",
    "mailing/templates/mailing/notice.txt",
    "mailing/templates/mailing/notice_link_only.html",
    "mailing/templates/mailing/notice_link_only.txt",
    "mailing/templates/mailing/notice_link_only_subject.txt",
    "mailing/templates/mailing/notice_subject.txt",
    "mailing/templates/mailing/original.html",
    "mailing/templates/mailing/outbox.html",
    "mailing/templates/mailing/post.html",
    "mailing/templates/mailing/post.txt",
    "mailing/templates/mailing/post_subject.txt",
    "mailing/templates/mailing/preferences.html",
    "mailing/templates/mailing/sent_list.html",
    "mailing/templates/mailing/sent_message.html",
    "mailing/templates/mailing/subscribe.html",
    "mailing/templates/mailing/subscribe_sign_in.html",
    "mailing/templates/mailing/unsubscribe.html",
    "mailing/templates/mailing/unsubscribed.html",
    "meetings/templates/meetings/_meeting_parts.html",
    "meetings/templates/meetings/_meeting_row.html",
    "meetings/templates/meetings/_people.html",
    "meetings/templates/meetings/agenda_item.html",
    "meetings/templates/meetings/attendance.html",
    "meetings/templates/meetings/cancel.html",
    "meetings/templates/meetings/detail.html",
    "meetings/templates/meetings/hosts.html",
    "meetings/templates/meetings/list.html",
    "meetings/templates/meetings/meeting_form.html",
    "meetings/templates/meetings/mine.html",
    "meetings/templates/meetings/people.html",
    "meetings/templates/meetings/records.html",
    "meetings/templates/meetings/series.html",
    "member_imports/templates/member_imports/preview.html",
    "member_imports/templates/member_imports/stale.html",
    "member_imports/templates/member_imports/upload.html",
    "memberships/templates/memberships/_norms_to_accept.html",
    "memberships/templates/memberships/_on_leave.html",
    "memberships/templates/memberships/_seated_by.html",
    "memberships/templates/memberships/email/invitation_body.txt",
    "memberships/templates/memberships/email/invitation_subject.txt",
    "memberships/templates/memberships/email/removed_body.txt",
    "memberships/templates/memberships/email/removed_subject.txt",
    "memberships/templates/memberships/email/request_decided_body.txt",
    "memberships/templates/memberships/email/request_decided_subject.txt",
    "memberships/templates/memberships/email/request_received_body.txt",
    "memberships/templates/memberships/email/request_received_subject.txt",
    "memberships/templates/memberships/invitation.html",
    "memberships/templates/memberships/invitation_signed_out.html",
    "memberships/templates/memberships/invite.html",
    "memberships/templates/memberships/join.html",
    "memberships/templates/memberships/leave.html",
    "memberships/templates/memberships/manage.html",
    "memberships/templates/memberships/remove.html",
    "memberships/templates/memberships/request.html",
    "norms/templates/norms/acceptance.html",
    "norms/templates/norms/current.html",
    "norms/templates/norms/diff.html",
    "norms/templates/norms/edit.html",
    "norms/templates/norms/version.html",
    "notifications/templates/notifications/inbox.html",
    "organisations/templates/organisations/edit.html",
    "organisations/templates/organisations/list.html",
    "organisations/templates/organisations/requests.html",
    "people/templates/people/profile.html",
    "projects/templates/projects/edit.html",
    "projects/templates/projects/list.html",
    "projects/templates/projects/new.html",
    "projects/templates/projects/project.html",
    "projects/templates/projects/publish.html",
    "projects/templates/projects/section.html",
    "projects/templates/projects/section_edit.html",
    "projects/templates/projects/section_settings.html",
    "pulses/templates/pulses/_dates.html",
    "pulses/templates/pulses/list.html",
    "pulses/templates/pulses/mail/_footer.html",
    "pulses/templates/pulses/mail/_footer.txt",
    "pulses/templates/pulses/mail/opened.html",
    "pulses/templates/pulses/mail/opened.txt",
    "pulses/templates/pulses/mail/opened_link_only.html",
    "pulses/templates/pulses/mail/opened_link_only.txt",
    "pulses/templates/pulses/mail/opened_link_only_subject.txt",
    "pulses/templates/pulses/mail/opened_subject.txt",
    "pulses/templates/pulses/new.html",
    "pulses/templates/pulses/pulse.html",
    "search/templates/search/search.html",
    "sponsors/templates/sponsors/grants.html",
    "sponsors/templates/sponsors/report.html",
    "topics/templates/topics/backlog.html",
    "topics/templates/topics/edit.html",
    "value/templates/value/_amounts.html",
    "value/templates/value/_prompt_dismissed.html",
    "value/templates/value/_prompts.html",
    "value/templates/value/_time_table.html",
    "value/templates/value/_totals.html",
    "value/templates/value/list.html",
    "value/templates/value/new.html",
    "value/templates/value/remove.html",
    "value/templates/value/story.html",
    "value/templates/value/time.html",
    "workers/templates/workers/health_panel.html",
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 200


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_template_shows_no_unmarked_string(path):
    found = unmarked_strings(path)
    if _name(path) in NOT_YET_MARKED:
        assert found, f"{_name(path)} is marked now: take it off NOT_YET_MARKED"
    else:
        assert not found, f"{_name(path)} shows strings not marked for translation: {found[:5]}"


def test_the_list_of_templates_to_mark_names_only_templates():
    assert {_name(path) for path in TEMPLATES} >= NOT_YET_MARKED


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ("<p>{% translate 'Hello' %}</p>", []),
        ("<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}</p>", []),
        ('<a aria-label="Close" href="{% url "x" %}">×</a>', ['aria-label="Close"']),
        ('<a aria-label="{% translate "Close" %}">×</a>', []),
        ('<input type="submit" value="Send">', ['value="Send"']),
        ('<input type="text" value="{{ form.x }}" name="q">', []),
        ("<script>let greeting = 'Hello';</script>", []),
        ("{% comment %}Hello{% endcomment %}<p>{{ name }} · 3</p>", []),
        ("<p>{{ count }} replies</p>", ["replies"]),
        ("<p>Copse</p>", []),
    ],
)
def test_the_check_finds_what_a_person_would_read(tmp_path, source, unmarked):
    template = tmp_path / "t.html"
    template.write_text(source)
    found = unmarked_strings(template)
    assert [" ".join(item.split()) for item in found] == unmarked
