from django.db import migrations
from django.utils import timezone

TITLE = "Charte d'entraide des compagnons du télétravail"

BODY = """\
Cette charte dit ce que chacun peut attendre des autres, et ce que chacun s'engage à faire. Elle vaut pour les apprentis, les compagnons, les donneurs d'ordre et l'association. L'accepter, c'est entrer dans une chaîne d'entraide : ce que l'on a reçu, on le transmet.

## Ce qui nous rassemble
- Solidarité, travail, fraternité.
- Un travail payé à son juste prix : pas d'enchères, pas de « tout à 5 € », pas de classement au moins-disant.
- Des personnes décrites par des faits et des témoignages, jamais par des étoiles.
- Une relation humaine entre celui qui apprend et celui qui transmet : aucune machine ne remplace le compagnon.

## Droits et devoirs de l'apprenti·e
Vous avez le droit :
- d'être accompagné·e par un compagnon disponible, et d'en changer si la relation ne fonctionne pas, en le disant à l'équipe ;
- de savoir sur quoi vous êtes évalué·e (le référentiel et ses critères sont publics) ;
- de voir pourquoi une mission vous est proposée, et de la refuser sans vous justifier ;
- de télécharger vos données et de quitter la plateforme à tout moment.
Vous vous engagez à :
- venir aux séances prévues, ou prévenir à l'avance ;
- confirmer honnêtement les séances qui ont eu lieu, et seulement celles-là ;
- présenter un travail qui est le vôtre ;
- respecter les délais et la confidentialité des missions que vous acceptez ;
- donner en retour, à votre mesure : un témoignage, une piste de mission, un coup de main.

## Droits et devoirs du compagnon
Vous avez le droit :
- de choisir combien d'apprentis vous suivez, et de refuser une demande ;
- de voir votre part de transmission reconnue (contreparties, chaîne des compagnons).
Vous vous engagez à :
- transmettre : accompagner au moins un apprenti quand vous le pouvez, c'est le devoir de celui qui a reçu ;
- consacrer à vos apprentis le temps promis, et signaler à l'équipe une difficulté ou un décrochage ;
- évaluer avec justesse, sur les critères du référentiel, sans complaisance ni sévérité inutile ;
- ne jamais siéger au jury de votre propre apprenti ;
- partager vos missions avec un apprenti quand la mission s'y prête (binôme).

## Droits et devoirs du donneur d'ordre
Vous avez le droit :
- de recevoir un travail conforme à ce qui a été convenu, dans les délais convenus ;
- d'être aidé·e par l'équipe pour décrire et chiffrer votre mission ;
- de faire appel à la médiation de l'association en cas de désaccord.
Vous vous engagez à :
- proposer une rémunération au moins égale au tarif plancher publié, sans mise en concurrence par le prix ;
- décrire la mission honnêtement et ne pas en changer le périmètre sans accord ;
- payer dans les délais convenus ;
- témoigner de ce que la mission a montré, compétence par compétence, avec bienveillance et exactitude.

## Droits et devoirs de l'association
L'association s'engage à :
- garder l'accès à la plateforme gratuit : on y donne en nature, jamais en argent ;
- qualifier chaque mission avant sa publication et refuser celles qui ne respectent pas le tarif plancher ;
- publier ses résultats (satisfaction, abandons, certification, insertion) et suivre chaque promotion pendant deux ans ;
- traiter chaque réclamation, répondre dans un délai raisonnable et en tirer des améliorations ;
- protéger vos données, ne jamais les vendre, et vous permettre de les télécharger ou de les effacer ;
- proposer une médiation humaine en cas de litige, avec un droit d'appel.

## Quand la charte change
Toute nouvelle version est datée et expliquée. Chacun est invité à l'accepter avant de continuer ; vos acceptations passées restent conservées.
"""


def create_first_version(apps, schema_editor):
    CharterVersion = apps.get_model("accounts", "CharterVersion")
    if not CharterVersion.objects.exists():
        CharterVersion.objects.create(version=1, title=TITLE, body=BODY, published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_first_version, migrations.RunPython.noop)]
