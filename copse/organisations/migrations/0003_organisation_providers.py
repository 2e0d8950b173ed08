import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0002_domains_and_requests'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrganisationProvider',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('provider_id', models.CharField(max_length=40, unique=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='providers', to='organisations.organisation')),
            ],
            options={
                'ordering': ['provider_id'],
            },
        ),
    ]
