"""People who use Copse: an email login plus the profile peers see."""

import hashlib
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from copse.accounts.identity import display_name_skeleton, normalize_email
from copse.core.names import check_header_names


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))


# What a person is called before they give a name (an account made before
# sign-up asked for one): never the local part of their address, which they
# did not choose to show.
UNNAMED = gettext_noop("Unnamed member")

# The name a closed account goes by (`accounts.services.anonymise_account`):
# what it wrote, if kept, reads as a former member's. It is stored, in the
# site's language, so it is not translated.
FORMER_MEMBER = "Former member"


def name_or_fallback(display_name: str) -> str:
    return display_name or gettext(UNNAMED)


class OrganisationSource(models.TextChoices):
    """How a person's organisation was verified."""

    ADMIN = "admin", _("Set by a site administrator")
    DOMAIN = "domain", _("A verified address in the organisation's domain")
    PROVIDER = "provider", _("Signed in through the organisation's identity provider")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. `is_staff` marks a site administrator (the programme operator)."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    # Used in @mentions and profile addresses; made from the name at first save.
    handle = models.SlugField(max_length=40, unique=True, null=True, blank=True)
    # Look-alike names are compared by their Unicode confusable skeleton.
    display_name_key = models.CharField(max_length=160, blank=True, db_index=True, editable=False)
    job_title = models.CharField(max_length=120, blank=True)
    # Always a verified organisation: set by a site administrator or from a
    # verified address in a domain the organisation claims, never picked by
    # the person (they ask through an OrganisationRequest). Caps, counts and
    # bylines trust it for that reason.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    organisation_source = models.CharField(
        max_length=10, choices=OrganisationSource.choices, blank=True, default=""
    )
    # The site administrator who set it (source "admin"); null for a domain
    # or a provider.
    organisation_verified_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_verified_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # Empty: pages follow the browser, mail the site's language.
    language = models.CharField(max_length=16, blank=True, default="")
    bio = models.TextField(_("short bio"), blank=True, max_length=2000)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        _("site administrator"),
        default=False,
        help_text=_(
            "Manages organisations, communities and memberships; reads no private content."
        ),
    )
    # A site role granted by site administrators (copse/sponsors): the people
    # who fund a programme see its aggregate report, never its content.
    is_sponsor = models.BooleanField(
        _("sponsor"),
        default=False,
        help_text=_("Sees the programme's aggregate report; reads no community's content."),
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["display_name", "email"]
        constraints = [
            # No organisation without a record of how it was verified.
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=True)
                    | models.Q(organisation_source__in=["admin", "domain", "provider"])
                ),
                name="organisation_is_verified",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        check_header_names(self, "display_name")

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        self.display_name_key = display_name_skeleton(self.display_name)
        if not self.handle:
            self.handle = self._free_handle()
        super().save(*args, **kwargs)

    def _free_handle(self) -> str:
        # Never from the address: its local part is nobody's to show.
        base = slugify(self.display_name)[:34].strip("-") or "member"
        candidate, n = base, 1
        while User.objects.filter(handle=candidate).exclude(pk=self.pk).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    @property
    def name(self) -> str:
        return name_or_fallback(self.display_name)

    @property
    def organisation_verified(self) -> bool:
        return self.organisation_id is not None and bool(self.organisation_source)

    @property
    def is_site_admin(self) -> bool:
        return self.is_active and self.is_staff

    @property
    def initials(self) -> str:
        words = [w for w in self.display_name.replace(".", " ").split() if w]
        letters = "".join(w[0] for w in words[:2]) or "?"
        return letters.upper()

    @property
    def avatar_colour(self) -> int:
        """One of eight palette slots, stable per person (CSS class avatar--N)."""
        return hashlib.sha256(self.email.encode()).digest()[0] % 8
