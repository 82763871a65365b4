"""Demo data for the mission bank (called by `manage.py seed_demo`, after the path): a mission in every status,
a binôme mission, testimonials both ways, attestations, a lead."""

from datetime import timedelta

from django.utils import timezone

from compagnons.core.models import Site
from compagnons.missions import services
from compagnons.missions.models import Mission, SiteTradeOrder, WorkerProfile
from compagnons.skills.models import Certification, Trade

CHECKLIST = dict.fromkeys(services.QUALIFICATION_CHECKLIST, True)


def seed(world: dict) -> None:
    # The demo's second site (core/demo.py, on localhost) lists the layout missions (E1306) first.
    south = Site.objects.filter(hosts__host="localhost").first()
    layout = Trade.objects.filter(rome_code="E1306").first()
    if south is not None and layout is not None and not SiteTradeOrder.objects.filter(site=south).exists():
        services.set_site_trades(south, [layout], by=world["formateur@demo.test"])
    if Mission.objects.exists():
        return
    staff = world["formateur@demo.test"]
    sophie, paul = world["client@demo.test"], world["paul.girard@demo.test"]
    jean_pierre, marie, lea = (
        world["compagnon@demo.test"],
        world["marie.lefevre@demo.test"],
        world["apprenti@demo.test"],
    )
    karim = world["karim.haddad@demo.test"]
    today = timezone.localdate()
    competences = list(Certification.objects.current().competences.order_by("block__position", "position"))
    trades = {t.rome_code: t for t in Trade.objects.all()}

    WorkerProfile.objects.update_or_create(
        member=jean_pierre, defaults={"legal_status": "micro", "siret": "73282932000074"}
    )
    WorkerProfile.objects.update_or_create(member=marie, defaults={"legal_status": "cae", "structure": "Coopaname"})
    WorkerProfile.objects.update_or_create(member=lea, defaults={"legal_status": "under_compagnon"})

    def mission(client, title, hours, euros_total, picked, trade=None, **extra):
        return Mission.objects.create(
            client=client,
            title=title,
            context=extra.pop("context", "Une petite structure qui a besoin d'un coup de main fiable."),
            deliverables=extra.pop("deliverables", "Le travail livré dans un format modifiable, avec une courte note."),
            trade=trades.get(trade),
            starts_on=today + timedelta(days=extra.pop("starts_in", 7)),
            deadline=today + timedelta(days=extra.pop("due_in", 30)),
            budget_cents=euros_total * 100,
            estimated_hours=hours,
            **extra,
        )

    def published(m):
        m.competences.set(picked_of[m.pk])
        services.submit(m, by=m.client)
        return services.publish(m, by=staff, checklist=CHECKLIST)

    picked_of = {}

    draft = mission(sophie, "Relecture de fiches produits", 10, 300, None, "E1305")
    draft.competences.set(competences[24:26])
    submitted = mission(paul, "Gestion des inscriptions de l'association", 20, 600, None, "M1607")
    submitted.competences.set(competences[:2])
    services.submit(submitted, by=paul)

    open_missions = [
        ("Standard téléphonique à distance pour un cabinet", 40, 1200, competences[12:14], "M1607", sophie),
        ("Mise en page d'une plaquette associative", 16, 560, competences[24:27], "E1306", paul),
        ("Saisie et classement de factures fournisseurs", 24, 720, competences[18:20], "M1203", sophie),
    ]
    for title, hours, total, picked, trade, client in open_missions:
        m = mission(client, title, hours, total, None, trade)
        picked_of[m.pk] = picked
        published(m)

    # A binôme mission, closed, with testimonials both ways and the client's attestation.
    binome = mission(
        sophie,
        "Prise de rendez-vous et relances clients pour une librairie",
        30,
        900,
        None,
        "M1607",
    )
    picked_of[binome.pk] = competences[:3]
    published(binome)
    application = services.apply(
        binome,
        jean_pierre,
        message="Nous pouvons le faire à deux, Léa et moi : elle gère l'agenda, je relis.",
        partner=lea,
    )
    services.choose(application, by=sophie)
    services.start(binome, by=jean_pierre)
    services.deliver(binome, by=jean_pierre, note="Agenda tenu, 42 relances envoyées, tableau de suivi joint.")
    services.accept_delivery(binome, by=sophie)
    services.write_testimonial(binome, by=sophie, text="Réactifs, polis avec mes clients, et un suivi très clair.")
    services.write_testimonial(binome, by=jean_pierre, text="Une cliente claire dans ses demandes, payée à temps.")
    services.attest(binome, {c.pk: "yes" for c in picked_of[binome.pk]}, by=sophie)
    # Jean-Pierre took the first attested compétence with him: a signed recommendation (EndorsementCredential)
    first = binome.attestations.get(member=jean_pierre, competence=picked_of[binome.pk][0])
    services.request_endorsement(first, by=jean_pierre)
    services.record_client_facts(binome, by=jean_pierre, payment_delay_days=0, scope_changes=0)
    Mission.objects.filter(pk=binome.pk).update(  # history: it took place last month
        starts_on=today - timedelta(days=40), deadline=today - timedelta(days=10)
    )

    # In progress, delivered (awaiting the client), expired and cancelled.
    in_progress = mission(paul, "Animation de la page de l'association", 20, 600, None, "E1101", starts_in=-5)
    picked_of[in_progress.pk] = competences[12:13]
    published(in_progress)
    services.choose(services.apply(in_progress, marie, message="J'anime déjà deux pages associatives."), by=paul)
    services.start(in_progress, by=marie)

    delivered = mission(sophie, "Transcription de trois entretiens", 9, 270, None, "M1606", starts_in=-20, due_in=2)
    picked_of[delivered.pk] = competences[24:25]
    published(delivered)
    services.choose(services.apply(delivered, marie, message="Je transcris vite et proprement."), by=sophie)
    services.start(delivered, by=marie)
    services.deliver(delivered, by=marie, note="Les trois transcriptions relues.")

    expired = mission(paul, "Traduction d'un dépliant", 6, 180, None, "E1108", starts_in=-30, due_in=-1)
    picked_of[expired.pk] = competences[24:25]
    published(expired)
    services.expire_missions()

    cancelled = mission(sophie, "Création d'un logo", 12, 360, None, "E1205")
    picked_of[cancelled.pk] = competences[26:27]
    published(cancelled)
    services.cancel(cancelled, by=sophie)

    # Attributed, not started yet.
    leaflet = Mission.objects.filter(title__startswith="Mise en page").first()
    services.choose(services.apply(leaflet, marie, message="La mise en page, c'est mon quotidien."), by=paul)

    # An application waiting for the client, another waiting for the mentor's reading, and a lead.
    waiting = Mission.objects.filter(title__startswith="Standard téléphonique").first()
    services.apply(waiting, karim, message="Je peux tenir le standard le matin.", request_review=True)
    services.submit_lead(
        marie,
        contact="Mme Laurent, gérante du café-librairie Le Marque-page (Nantes)",
        need="Cherche quelqu'un pour tenir sa page Instagram deux heures par semaine.",
        budget_hint="environ 150 € par mois",
        client_consents=True,
    )
