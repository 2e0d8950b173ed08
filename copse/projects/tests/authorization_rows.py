"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The project's title carries the matrix's SECRET, so the matrix's leak check
asserts that no role without `community.read` ever sees it. The member
started the project and wrote its one section, which waits for review.
"""

from copse.core.tests.authorization import FACILITATES, READS, SECRET

#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# Members who take part write, comment and (as starter) manage; delegates only read.
CONTRIBUTES = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
CONTRIBUTES_POST = [302, 404, 404, 404, 302, 404, 404, 302, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _project(ctx):
    return {"slug": "circle", "project_id": ctx["project_id"]}


def _section(ctx):
    return {"slug": "circle", "project_id": ctx["project_id"], "section_id": ctx["section_id"]}


ROWS = {
    "projects:list": (_slug, "get", "", None, READS),
    "projects:new": (_slug, "get", "", None, CONTRIBUTES),
    "projects:project": (_project, "get", "", None, READS),
    "projects:edit": (_project, "get", "", None, CONTRIBUTES),
    "projects:publish": (_project, "get", "", None, FACILITATES),
    "projects:add_section": (_project, "get", "", None, CONTRIBUTES),
    "projects:section": (_section, "get", "", None, READS),
    "projects:edit_section": (_section, "get", "", None, CONTRIBUTES),
    "projects:section_settings": (_section, "get", "", None, CONTRIBUTES),
    "projects:ask_for_review": (_section, "post", "", None, CONTRIBUTES_POST),
    "projects:comment": (
        _section,
        "post",
        "",
        lambda ctx: {"body": "Add the booking lead time."},
        CONTRIBUTES_POST,
    ),
    "projects:approve": (_section, "post", "", lambda ctx: {"revision": "1"}, CONTRIBUTES_POST),
}


def build(community, people, ctx):
    """A project the member started, with one section they wrote, in review."""
    from copse.projects import services

    project = services.start_project(
        actor=people["member"],
        community=community,
        title=f"{SECRET}: carrier switch SOP",
        section_titles=["Before the switch"],
    )
    section = project.sections.get()
    section.project = project
    services.save_section(
        actor=people["member"],
        section=section,
        body="Read the contract's notice period.",
        based_on=0,
        ready_for_review=True,
    )
    ctx["project_id"] = project.pk
    ctx["section_id"] = section.pk
