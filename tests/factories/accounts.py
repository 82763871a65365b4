"""Accounts: members with a verified e-mail, the charter accepted, and roles."""

import factory
from allauth.account.models import EmailAddress

from compagnons.accounts.models import CharterAcceptance, CharterVersion, Role, RoleGrant, User

PASSWORD = "un-mot-de-passe-solide"
ROLE_FLAGS = {
    "apprentice": Role.APPRENTICE,
    "compagnon": Role.COMPAGNON,
    "client": Role.CLIENT,
    "formateur": Role.STAFF,
}


class UserFactory(factory.django.DjangoModelFactory):
    """A member with a verified e-mail who accepted the current charter. Traits give roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def charter(self, create, extracted, **kwargs):
        if create and extracted is not False:
            current = CharterVersion.objects.current()
            if current:
                CharterAcceptance.objects.create(user=self, charter=current)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)
            if role == Role.STAFF:
                User.objects.filter(pk=self.pk).update(is_staff=True)
                self.is_staff = True
        self.__dict__.pop("roles", None)

    @classmethod
    def _generate(cls, strategy, params):
        # Shorthands: UserFactory(apprentice=True), (compagnon=True), (client=True), (formateur=True).
        roles = list(params.pop("roles", None) or [])
        for flag, role in ROLE_FLAGS.items():
            if params.pop(flag, False):
                roles.append(role)
        return super()._generate(strategy, {**params, "roles": roles})
