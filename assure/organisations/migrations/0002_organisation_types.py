"""The built-in organisation types. More can be added as data in the admin."""

from django.db import migrations

TYPES = [
    ("ccg", "Clinical commissioning group", "Clinical commissioning groups"),
    ("hwb", "Health and Wellbeing Board", "Health and Wellbeing Boards"),
    ("local_authority", "Local authority", "Local authorities"),
    ("gp_practice", "GP practice", "GP practices"),
    ("provider", "Provider", "Providers"),
    ("patient_group", "HealthWatch or patient group", "HealthWatch and patient groups"),
    ("commissioning_support", "Commissioning support", "Commissioning support organisations"),
    ("region", "NHS Commissioning Board region", "NHS Commissioning Board regions"),
]


def create_types(apps, schema_editor):
    OrganisationType = apps.get_model("organisations", "OrganisationType")
    for position, (code, name, plural) in enumerate(TYPES):
        OrganisationType.objects.get_or_create(
            code=code, defaults={"name": name, "plural": plural, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
