from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_pulse_opened_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reply", "replied"),
                    ("mention", "mentioned you"),
                    ("helpful", "found your reply helpful"),
                    ("reminder_week", "Meeting in a week"),
                    ("reminder_day", "Meeting tomorrow"),
                    ("promoted", "A place opened for you"),
                    ("meeting_changed", "Meeting changed"),
                    ("delegated", "You go in their place"),
                    ("visibility_lowered", "made the community less private"),
                    ("announcement", "Who can read changed"),
                    ("reused", "re-used your work"),
                    ("proposal", "asks for your answer"),
                    ("proposal_nudge", "is waiting for your answer"),
                    ("proposal_closed", "closed: write the outcome"),
                    ("decided", "decided"),
                    ("nominated", "nominated you as facilitator"),
                    ("date_poll", "asks when you can meet"),
                    ("norms_review", "Time to review the norms"),
                    ("pulse_opened", "A trust pulse is open"),
                    ("nudge", "sent you a personal note"),
                ],
                max_length=20,
            ),
        ),
    ]
