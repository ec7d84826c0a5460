"""A framework's document as imported lives in a table of its own: written with the framework, moved there from
the framework's row by migration (and back on reversal), parsed through `Framework.spec`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assure.frameworks import models
from assure.frameworks.models import Framework, ImportedDocument
from assure.frameworks.schema import Framework as FrameworkSpec


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_document_to_its_own_table_and_back():
    documents = dict(ImportedDocument.objects.values_list("framework_id", "document"))
    assert documents, "migrate puts in the built-in framework"
    before, after = [("frameworks", "0001_initial")], [("frameworks", "0002_imported_document")]

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("frameworks", "Framework")
    assert dict(old.objects.values_list("pk", "document")) == documents

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert dict(ImportedDocument.objects.values_list("framework_id", "document")) == documents


@pytest.mark.django_db
def test_spec_reads_the_document_once_per_process(django_assert_num_queries, monkeypatch):
    framework = Framework.objects.get(slug="ccg-authorisation-2012")
    again = Framework.objects.get(pk=framework.pk)
    monkeypatch.setattr(models, "_PARSED", {})
    with django_assert_num_queries(1):
        spec = framework.spec
    assert spec == FrameworkSpec.model_validate(framework.imported.document)
    assert spec.slug == framework.slug and len(spec.domains) == 6
    with django_assert_num_queries(0):  # another read of the same version, in the same process
        assert again.spec is spec
