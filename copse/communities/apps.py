from django.apps import AppConfig

# What the home's members column shows of each person.
MEMBER_FIELDS_SHOWN = {"display_name", "job_title", "organisation", "organisation_id", "email"}


class CommunitiesConfig(AppConfig):
    name = "copse.communities"
    label = "communities"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from copse.accounts.models import User
        from copse.communities import home
        from copse.memberships.models import Membership
        from copse.organisations.models import Organisation

        home.follow(Membership)
        post_save.connect(_person_changed, sender=User, dispatch_uid="community-home-person")
        post_save.connect(
            _organisation_changed, sender=Organisation, dispatch_uid="community-home-organisation"
        )


def _person_changed(sender, instance, created, update_fields=None, **kwargs):
    """A member's name, title or organisation shows in the home's members column."""
    if created or (update_fields is not None and not MEMBER_FIELDS_SHOWN & set(update_fields)):
        return
    from copse.communities import home
    from copse.memberships.models import Membership

    home.changed_where(Membership.objects.filter(user=instance).values("community_id"))


def _organisation_changed(sender, instance, created, **kwargs):
    if created:
        return
    from copse.communities import home
    from copse.memberships.models import Membership

    home.changed_where(
        Membership.objects.filter(user__organisation=instance).values("community_id")
    )
