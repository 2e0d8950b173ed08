import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('communities', '0003_decision_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HealthSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('quiet_weeks', models.PositiveSmallIntegerField(default=6, help_text='A member is quiet after this many weeks with no post, answer or attendance.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(52)], verbose_name='quiet after (weeks)')),
                ('nudge_template', models.TextField(default="Hello {name},\n\nWe have missed you in {community} lately. No pressure at all: if there is something you are working on, or a question you would like the group's help with, we would love to hear it. And if the timing or format of our meetings does not suit you, tell me and we will look at it.\n\nWarm regards,\n{facilitator}", max_length=4000)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('community', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='health_settings', to='communities.community')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='Nudge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField()),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nudges', to='communities.community')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nudges_received', to=settings.AUTH_USER_MODEL)),
                ('sent_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['community', 'member', '-sent_at'], name='nudge_by_member')],
            },
        ),
    ]
