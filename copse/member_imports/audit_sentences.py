"""How member imports read in the audit log: counts, never the list."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register(
    "member_import.uploaded",
    _(
        "{actor} uploaded a list of {rows} people to invite to {community} "
        "({with_problems} with problems)"
    ),
)
register(
    "member_import.sent",
    _("{actor} sent {sent} invitations to {community} from a list ({left_out} left out)"),
)
register(
    "member_import.discarded", _("{actor} threw away a list of people to invite to {community}")
)
