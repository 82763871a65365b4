"""Demo data for credentials (called by `manage.py seed_demo`, before certification and showcase): nothing of its
own, but the credentials already seeded under another address (`make run PORT=…` after a first run on another
port) are re-signed with the current issuer, so that the demo's credentials, links and QR codes verify."""

from compagnons.credentials import services


def seed(world: dict) -> None:
    services.reissue_foreign_credentials(by=world["formateur@demo.test"])
