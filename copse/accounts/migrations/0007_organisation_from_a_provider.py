from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_user_is_sponsor'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='organisation_is_verified',
        ),
        migrations.AlterField(
            model_name='user',
            name='organisation_source',
            field=models.CharField(blank=True, choices=[('admin', 'Set by a site administrator'), ('domain', "A verified address in the organisation's domain"), ('provider', "Signed in through the organisation's identity provider")], default='', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('organisation__isnull', True), ('organisation_source__in', ['admin', 'domain', 'provider']), _connector='OR'), name='organisation_is_verified'),
        ),
    ]
