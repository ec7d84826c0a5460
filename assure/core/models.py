import uuid

from django.db import models


class PublicModel(models.Model):
    """Base for models reached by URL: a random public id, never the sequential primary key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
