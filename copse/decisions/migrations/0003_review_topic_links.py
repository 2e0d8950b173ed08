"""Topics already put back on the backlog for a review (of the norms, or of a
decision) link to what they are about, as new ones do: the norms version
that was due, or the decision. Their text keeps the address it had."""

from django.db import migrations


def forwards(apps, schema_editor):
    NormsReview = apps.get_model("decisions", "NormsReview")
    Proposal = apps.get_model("decisions", "Proposal")
    Topic = apps.get_model("topics", "Topic")
    for review in NormsReview.objects.filter(topic__isnull=False).select_related("community"):
        Topic.objects.filter(pk=review.topic_id, link="").update(
            link=f"/c/{review.community.slug}/norms/v{review.norms_version}/",
            link_text=f"Read the current norms (version {review.norms_version})",
        )
    for proposal in Proposal.objects.filter(review_topic__isnull=False).select_related(
        "community"
    ):
        Topic.objects.filter(pk=proposal.review_topic_id, link="").update(
            link=f"/c/{proposal.community.slug}/decisions/{proposal.pk}/",
            link_text="Read the decision and why",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_date_poll_zone_format_cadence"),
        ("topics", "0003_topic_link"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
