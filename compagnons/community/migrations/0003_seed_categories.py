from django.db import migrations

CATEGORIES = [
    ("Entraide", "entraide", "Une question, un coup de main : on s'entraide ici.", "public"),
    ("Missions et clients", "missions-et-clients", "Devis, cahier des charges, un client difficile, les délais.", "public"),
    ("Statut et droits", "statut-et-droits", "Micro-entreprise, portage, URSSAF, facturation, protection sociale.", "public"),
    ("Outils", "outils", "Logiciels, matériel, organisation du télétravail.", "public"),
    ("Vie de l'association", "vie-de-l-association", "Entre membres : la vie des Compagnons du télétravail.", "members"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("community", "Category")
    for position, (name, slug, description, visibility) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "visibility": visibility, "position": position * 10},
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("community", "Category")
    Category.objects.filter(slug__in=[slug for _, slug, _, _ in CATEGORIES], threads__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0002_search_index")]
    operations = [migrations.RunPython(seed, unseed)]
