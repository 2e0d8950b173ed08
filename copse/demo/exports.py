"""Demo exports, asked for through the export services as people would:
Maria keeps a copy of everything the CIO CoP holds before its annual review,
and Dev downloads his own data. A worker makes both archives (`make run`
starts one), so their pages show them being made, then ready.

Idempotent: someone who already asked is left as they are.
"""

from __future__ import annotations

CIO = "sv-cio-cop"
FACILITATOR = "maria@northwind.example"
MEMBER = "dev@contoso.example"


def load_exports(loader) -> None:
    from copse.communities.models import Community
    from copse.exports.models import Export
    from copse.exports.services import request_community_export, request_personal_export

    maria, dev = loader.people[FACILITATOR], loader.people[MEMBER]
    cio = Community.objects.get(slug=CIO)
    if not Export.objects.filter(kind=Export.Kind.COMMUNITY, requested_by=maria).exists():
        request_community_export(actor=maria, community=cio)
        loader._count("exports")
    if not Export.objects.filter(kind=Export.Kind.PERSONAL, requested_by=dev).exists():
        request_personal_export(actor=dev)
        loader._count("exports")
