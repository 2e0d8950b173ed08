"""Who knows what: the expertise people declare in a community's topic areas
or in free tags, and their experience with the catalogue's vendors, products
and technologies.

An expertise entry belongs to one community (its topic areas are that
community's). An experience entry belongs to its person and is shown in the
communities they choose (`ExperienceShown`). Either is shown only to people
seated in a community together with its person, and only while its person
still sits there (`copse.core.permissions.shared_community_q`).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# The catalogue's kinds a person can have used (conversations.Tag.Kind); topics
# are subjects, not things.
EXPERIENCE_KINDS = ("vendor", "product", "technology")


def subject_slug(name: str) -> str:
    """The slug a subject is matched by: the one a tag of the same name gets
    (conversations.services), so "Meetings and minutes" the area and
    "meetings and minutes" the tag on an ask are one subject."""
    return slugify(name)[:70]


class Level(models.TextChoices):
    LEARNING = "learning", _("Learning")
    PRACTISING = "practising", _("Practising")
    EXPERT = "expert", _("Expert")


class Expertise(models.Model):
    """What a person knows about one of a community's topic areas, or about a
    subject they name themselves (a free tag)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expertise"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    # One of the community's topic areas when the entry was made; empty for a free tag.
    area = models.CharField(max_length=120, blank=True)
    # A subject the person names; empty for a topic area.
    tag = models.CharField(max_length=60, blank=True)
    # The area's or tag's slug: what asks' tags are matched against.
    slug = models.SlugField(max_length=70)
    level = models.CharField(max_length=12, choices=Level.choices)
    # Members of the site's other communities may be pointed to this person
    # when a question on this subject goes unanswered there.
    findable_elsewhere = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community_id", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community", "slug"], name="expertise_one_entry_per_subject"
            ),
            models.CheckConstraint(
                condition=(models.Q(area="") & ~models.Q(tag=""))
                | (~models.Q(area="") & models.Q(tag="")),
                name="expertise_area_or_tag",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "slug"], name="expertise_by_subject"),
            models.Index(fields=["slug", "findable_elsewhere"], name="expertise_findable"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.level})"

    @property
    def subject(self) -> str:
        return self.area or self.tag

    @property
    def is_area(self) -> bool:
        return bool(self.area)

    def get_edit_url(self) -> str:
        return reverse("expertise:edit_expertise", kwargs={"entry_id": self.pk})


class Experience(models.Model):
    """A person's experience with a vendor, product or technology of the catalogue."""

    class Duration(models.TextChoices):
        UNDER_ONE = "under_1", _("Less than a year")
        ONE_TO_THREE = "1_3", _("1 to 3 years")
        THREE_TO_FIVE = "3_5", _("3 to 5 years")
        OVER_FIVE = "over_5", _("More than 5 years")

    class Recommend(models.TextChoices):
        YES = "yes", _("Yes")
        CAVEATS = "caveats", _("With caveats")
        NO = "no", _("No")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experience"
    )
    # A catalogue entry (conversations.Tag with no community, not a topic).
    tag = models.ForeignKey(
        "conversations.Tag", on_delete=models.CASCADE, related_name="experience"
    )
    duration = models.CharField("how long", max_length=8, choices=Duration.choices)
    purpose = models.CharField("what for", max_length=300)
    recommend = models.CharField("would you recommend it", max_length=8, choices=Recommend.choices)
    recommend_note = models.TextField(max_length=1000, blank=True)
    happy_to_be_asked = models.BooleanField(default=False)
    shown_in = models.ManyToManyField(
        "communities.Community", through="ExperienceShown", related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "tag"], name="experience_one_per_tag")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.tag_id}"

    def get_edit_url(self) -> str:
        return reverse("expertise:edit_experience", kwargs={"entry_id": self.pk})


class ExperienceShown(models.Model):
    """A community an experience entry is shown in, chosen by its person."""

    experience = models.ForeignKey(Experience, on_delete=models.CASCADE, related_name="shown")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["experience", "community"], name="experience_shown_once"
            )
        ]
        indexes = [models.Index(fields=["community", "experience"], name="experience_shown_in")]

    def __str__(self) -> str:
        return f"{self.experience_id} in {self.community_id}"
