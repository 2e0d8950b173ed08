from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_self_declared_organisations_become_requests"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('organisation__isnull', True), ('organisation_source__in', ['admin', 'domain']), _connector='OR'), name='organisation_is_verified'),
        ),
    ]
