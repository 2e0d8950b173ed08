from django.db import migrations, models

from copse.core.db import analyze_after_migration


def helpful_since_written(apps, schema_editor):
    # Marks made before the time was kept: the reply's own time is the
    # nearest known bound (the mark came at or after it).
    Post = apps.get_model("conversations", "Post")
    Post.objects.filter(helpful=True, helpful_at__isnull=True).update(
        helpful_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0007_tags_belong_to_their_community"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="helpful_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(helpful_since_written, migrations.RunPython.noop),
        # Every helpful reply was rewritten: fresh statistics for PostgreSQL's planner.
        analyze_after_migration("conversations.Post"),
    ]
