import factory

from assure.accounts.models import ApiToken, User, hash_token

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A person who can sign in with `PASSWORD`."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)


class PlatformAdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """`token` holds the secret the way a person would have copied it; only its hash is stored."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Script {n}")
    token = factory.Sequence(lambda n: f"asr_test-token-{n:06d}-abcdefghijklmnop")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    hint = factory.LazyAttribute(lambda o: o.token[:10])

    @classmethod
    def _create(cls, model_class, *args, token, **kwargs):
        record = super()._create(model_class, *args, **kwargs)
        record.token = token
        return record
