import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('communities', '0003_decision_settings'),
        ('conversations', '0008_post_helpful_at'),
        ('library', '0005_saved_attachments_and_post_links'),
        ('meetings', '0002_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ValueStory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cycle', models.CharField(choices=[('immediate', 'Immediate: it was useful to be there'), ('potential', 'Potential: I learned something I can use'), ('applied', 'Applied: I changed what I do'), ('realised', 'Realised: it made a difference'), ('reframing', 'Reframing: it changed how we think about success')], max_length=10)),
                ('title', models.CharField(max_length=200, verbose_name='what happened, in a line')),
                ('story', models.TextField(max_length=10000, verbose_name='the story')),
                ('money_saved', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)])),
                ('currency', models.CharField(blank=True, max_length=3)),
                ('hours_saved', models.DecimalField(blank=True, decimal_places=1, max_digits=7, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100000)])),
                ('risk_avoided', models.CharField(blank=True, max_length=300)),
                ('sharing', models.CharField(choices=[('private', 'Only me and the facilitators'), ('community', 'The community'), ('report', 'The community, and anonymised totals in the sponsor report')], default='private', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('removed_at', models.DateTimeField(blank=True, null=True)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='value_stories', to=settings.AUTH_USER_MODEL)),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='value_stories', to='communities.community')),
                ('library_items', models.ManyToManyField(blank=True, related_name='+', to='library.libraryitem')),
                ('meetings', models.ManyToManyField(blank=True, related_name='+', to='meetings.meeting')),
                ('threads', models.ManyToManyField(blank=True, related_name='+', to='conversations.thread')),
            ],
            options={
                'verbose_name_plural': 'value stories',
            },
        ),
        migrations.CreateModel(
            name='ValuePrompt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('helpful', 'A reply you marked helpful'), ('attended', 'A meeting you attended')], max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('dismissed_at', models.DateTimeField(blank=True, null=True)),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='communities.community')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='meetings.meeting')),
                ('thread', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conversations.thread')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('story', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='value.valuestory')),
            ],
        ),
        migrations.CreateModel(
            name='TimeEstimate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('minutes_per_week', models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(2400)])),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='communities.community')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('user', 'community'), name='one_estimate_per_member')],
            },
        ),
        migrations.AddIndex(
            model_name='valuestory',
            index=models.Index(fields=['community', '-created_at'], name='story_by_community'),
        ),
        migrations.AddIndex(
            model_name='valuestory',
            index=models.Index(fields=['author', '-created_at'], name='story_by_author'),
        ),
        migrations.AddConstraint(
            model_name='valuestory',
            constraint=models.CheckConstraint(condition=models.Q(('money_saved__isnull', True), models.Q(('currency', ''), _negated=True), _connector='OR'), name='money_has_a_currency'),
        ),
        migrations.AddIndex(
            model_name='valueprompt',
            index=models.Index(fields=['user', '-created_at'], name='prompt_by_user'),
        ),
        migrations.AddConstraint(
            model_name='valueprompt',
            constraint=models.UniqueConstraint(condition=models.Q(('thread__isnull', False)), fields=('user', 'thread'), name='one_prompt_per_thread'),
        ),
        migrations.AddConstraint(
            model_name='valueprompt',
            constraint=models.UniqueConstraint(condition=models.Q(('meeting__isnull', False)), fields=('user', 'meeting'), name='one_prompt_per_meeting'),
        ),
    ]
