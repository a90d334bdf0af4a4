from django.db import migrations, models

PRIORITIES = [
    ("The children's social care workforce", "Recruiting, keeping and developing social workers and other practitioners: supervision, caseloads, wellbeing, learning and practice culture."),
    ("Children and young people's mental health", "Supporting the mental health and emotional wellbeing of children and young people in contact with children's social care."),
    ("Residential care", "Improving the experiences and outcomes of children living in children's homes and other residential settings."),
    ("Domestic abuse", "Protecting and supporting children and families affected by domestic abuse, including work with people who harm."),
    ("Risk and decision-making", "How practitioners and organisations assess risk and make decisions about children's safety and care."),
    ("Safeguarding children under one from non-accidental injury by male carers", "The programme's special interest: preventing serious harm to babies, including by engaging fathers and other male carers."),
]


def seed(apps, schema_editor):
    Priority = apps.get_model("programme", "Priority")
    for order, (name, description) in enumerate(PRIORITIES, start=1):
        Priority.objects.get_or_create(name=name, defaults={"description": description, "order": order})


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Priority",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True)),
                ("description", models.TextField(blank=True)),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("active", models.BooleanField(default=True)),
            ],
            options={"ordering": ["order", "name"], "verbose_name_plural": "priorities"},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
