from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organisation_is_verified"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_sponsor",
            field=models.BooleanField(
                default=False,
                help_text="Sees the programme's aggregate report; reads no community's content.",
                verbose_name="sponsor",
            ),
        ),
    ]
