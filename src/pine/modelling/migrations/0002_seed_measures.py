from django.db import migrations


def seed(apps, schema_editor):
    from pine.modelling.seed import create_measures

    create_measures(apps.get_model("modelling", "Measure"), apps.get_model("programme", "Priority"))


class Migration(migrations.Migration):
    dependencies = [
        ("modelling", "0001_initial"),
        ("programme", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
