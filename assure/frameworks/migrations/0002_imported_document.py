"""A framework's document as imported moves to a table of its own (`ImportedDocument`), so that no query reading a
framework beside something else carries some 60 KB of JSON. The documents are copied across, and back on reversal."""

from django.db import migrations, models


def to_own_table(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    ImportedDocument = apps.get_model("frameworks", "ImportedDocument")
    for pk, document in Framework.objects.values_list("pk", "document").iterator():
        ImportedDocument.objects.create(framework_id=pk, document=document)


def back_to_framework(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    ImportedDocument = apps.get_model("frameworks", "ImportedDocument")
    for pk, document in ImportedDocument.objects.values_list("framework_id", "document").iterator():
        Framework.objects.filter(pk=pk).update(document=document)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [
        # Nullable while the documents move, so that the reversal can add the column back to existing rows.
        migrations.AlterField(
            model_name="framework",
            name="document",
            field=models.JSONField(help_text="The validated framework document as imported.", null=True),
        ),
        migrations.CreateModel(
            name="ImportedDocument",
            fields=[
                (
                    "framework",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="imported",
                        serialize=False,
                        to="frameworks.framework",
                    ),
                ),
                ("document", models.JSONField(help_text="The validated framework document as imported.")),
            ],
        ),
        migrations.RunPython(to_own_table, back_to_framework),
        migrations.RemoveField(model_name="framework", name="document"),
    ]
