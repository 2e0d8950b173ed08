"""Maria's list of the autumn intake: the CIOs the council nominated this
season, uploaded to invite to the CIO CoP and not sent yet. Its preview
shows what a list meets: two CIOs of companies the site does not know yet,
a company whose one place is taken, a member already seated, a line typed
twice."""

from __future__ import annotations

FACILITATOR = "maria@northwind.example"
COMMUNITY = "sv-cio-cop"
FILE_NAME = "autumn-intake.csv"
LIST = """email,name,organisation
hana.sato@kiteworks.example,Hana Sato,Kiteworks
omar.haddad@margiestravel.example,Omar Haddad,Margie's Travel
jordan.lee@contoso.example,Jordan Lee,Contoso
dev@contoso.example,Dev Patel,Contoso
HANA.SATO@kiteworks.example,Hana Sato,Kiteworks
"""


def load_member_imports(loader) -> None:
    from copse.communities.models import Community
    from copse.member_imports import services
    from copse.member_imports.models import MemberImport

    community = Community.objects.get(slug=COMMUNITY)
    maria = loader.people[FACILITATOR]
    if MemberImport.objects.filter(community=community, uploaded_by=maria).exists():
        return
    services.upload(actor=maria, community=community, file_name=FILE_NAME, data=LIST.encode())
    loader._count("lists of people to invite")
