import django.core.validators
import django.db.models.deletion
import uuid
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
            name='Pulse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opens_on', models.DateField()),
                ('closes_on', models.DateField()),
                ('open_question', models.CharField(default='What would make this group more useful or more trusting for you?', max_length=300)),
                ('min_respondents', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(1000)], verbose_name='show results from this many answers')),
                ('repeat_every_months', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MaxValueValidator(12)])),
                ('respondent_count', models.PositiveIntegerField(default=0, editable=False)),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pulses', to='communities.community')),
                ('scheduled_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-opens_on'],
            },
        ),
        migrations.CreateModel(
            name='PulseAnswer',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('statement_1', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('statement_2', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('statement_3', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('statement_4', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('statement_5', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('open_answer', models.TextField(blank=True, max_length=2000)),
                ('pulse', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='pulses.pulse')),
            ],
        ),
        migrations.CreateModel(
            name='Respondent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pulse', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='respondents', to='pulses.pulse')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddIndex(
            model_name='pulse',
            index=models.Index(fields=['community', '-opens_on'], name='pulse_by_community'),
        ),
        migrations.AddConstraint(
            model_name='pulse',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='pulse_closes_after_it_opens'),
        ),
        migrations.AddConstraint(
            model_name='pulse',
            constraint=models.CheckConstraint(condition=models.Q(('min_respondents__gte', 5)), name='pulse_threshold_never_below_five'),
        ),
        migrations.AddConstraint(
            model_name='pulseanswer',
            constraint=models.CheckConstraint(condition=models.Q(('statement_1__range', (1, 5)), ('statement_2__range', (1, 5)), ('statement_3__range', (1, 5)), ('statement_4__range', (1, 5)), ('statement_5__range', (1, 5))), name='pulse_scores_one_to_five'),
        ),
        migrations.AddConstraint(
            model_name='respondent',
            constraint=models.UniqueConstraint(fields=('pulse', 'user'), name='one_answer_per_person'),
        ),
    ]
