from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from copse.core.db import analyze_after_migration


def floor_from_community(apps, schema_editor):
    """Existing threads start from their community's visibility now: what
    they were written under before this migration is not known, and now is
    the most that can be said about it."""
    Thread = apps.get_model("conversations", "Thread")
    Community = apps.get_model("communities", "Community")
    Thread.objects.update(
        visibility_floor=Subquery(
            Community.objects.filter(pk=OuterRef("community_id")).values("visibility")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0001_initial"),
        ("conversations", "0005_thread_imported_author"),
    ]

    operations = [
        migrations.AddField(
            model_name="thread",
            name="visibility_floor",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("members", "Members"),
                    ("confidential", "Confidential"),
                ],
                default="confidential",
                max_length=12,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(floor_from_community, migrations.RunPython.noop),
        # Every thread was rewritten: fresh statistics for PostgreSQL's planner.
        analyze_after_migration("conversations.Thread"),
    ]
