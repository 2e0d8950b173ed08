"""Ground rules a community sets for itself, versioned, and who accepted which."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NormsVersion(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="norms_versions"
    )
    number = models.PositiveIntegerField()
    body = models.TextField(help_text=_("Markdown."))
    change_note = models.CharField(max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="one_norms_number")
        ]

    def __str__(self) -> str:
        return f"{self.community} norms v{self.number}"


class NormsAcceptance(models.Model):
    version = models.ForeignKey(NormsVersion, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="norms_acceptances"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="accept_once")]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.version}"
