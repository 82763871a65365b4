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


def judge_by_jury(candidate, *, by, validated=None, route="vae"):
    """Take a candidate through certification's services: a chef-d'œuvre (VAE by default: no path needed; for
    `route="parcours"` the candidate must already be aspirant·e with a chef-d'œuvre confirmed ready), a jury of three
    (two external) who declare and fill every grid, then staff's decision. `validated`: the blocs to validate
    (default: every bloc); the others are refused with a reason. Returns the Decision."""
    import datetime

    from django.utils import timezone

    from compagnons.certification import services as jury
    from compagnons.certification.models import JurySession, Masterpiece
    from compagnons.skills.models import Certification

    certification = Certification.objects.current()
    blocks = list(certification.blocks.all())
    validated = blocks if validated is None else list(validated)
    masterpiece = Masterpiece.objects.filter(candidate=candidate, status=Masterpiece.Status.READY).first()
    if masterpiece is None:
        masterpiece = jury.declare_masterpiece(
            candidate,
            certification=certification,
            title="Dossier d'expérience",
            account="Dix ans de métier, attestations jointes.",
            competences=certification.competences.all()[:3],
            route=route,
        )
    session = JurySession.objects.create(
        certification=certification,
        date=timezone.localdate() - datetime.timedelta(days=1),
        place="Visio",
        organised_by=by,
    )
    candidacy = jury.add_candidate(session, masterpiece, by=by)
    seats = [
        jury.add_member(session, UserFactory(), by=by, is_external=True, profession="Graphiste"),
        jury.add_member(session, UserFactory(), by=by, is_external=True, profession="Comptable"),
        jury.add_member(session, UserFactory(compagnon=True), by=by, is_external=False, profession="Compagnon"),
    ]
    remaining = [b for b in blocks if b.pk not in jury.validated_blocks(candidate)]
    for seat in seats:
        jury.declare_no_conflict(seat, by=seat.user)
        for block in remaining:
            jury.evaluate(candidacy, block, by=seat.user, criteria_met=[0], proposes_validation=block in validated)
    results = {b.pk: (True, "") if b in validated else (False, "À retravailler") for b in remaining}
    return jury.decide(candidacy, results, by=by)
