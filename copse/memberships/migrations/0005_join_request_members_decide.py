from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("memberships", "0004_seated_by_members_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="joinrequest",
            name="members_decide",
            field=models.BooleanField(default=False),
        ),
    ]
