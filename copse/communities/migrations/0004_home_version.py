from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("communities", "0003_decision_settings")]

    operations = [
        migrations.AddField(
            model_name="community",
            name="home_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
    ]
