from django.apps import AppConfig


class MemberImportsConfig(AppConfig):
    """Inviting many people at once from a CSV list. It sits above
    memberships (whose invitation service sends every invitation),
    organisations and communities; none of them imports it."""

    name = "copse.member_imports"
    label = "member_imports"
