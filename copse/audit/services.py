"""Writing audit entries; every service that changes who can do what calls this."""

from copse.audit.models import AuditEntry


def record(*, actor, action: str, community=None, subject=None, **detail) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        community=community,
        subject=subject,
        detail=detail,
    )
