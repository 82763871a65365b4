"""Sites (issue 19, docs/sites.md): another site than the default one, saved by staff through core.sites, and a
member who signed up on it (the sign-up form records `User.site`; here it is recorded as the form does)."""

from compagnons.accounts.models import User
from compagnons.core import sites
from compagnons.core.models import Site

SOUTH_HOST = "sud.example"
SOUTH_SENDER = "Compagnons du Sud <sud@sud.example>"


def south_site(by, **fields) -> Site:
    fields.setdefault("name", "Compagnons du Sud")
    fields.setdefault("email_sender", SOUTH_SENDER)
    fields.setdefault("footer_text", "Pied du Sud")
    return sites.save_site(Site(**fields), hosts=[SOUTH_HOST], by=by)


def signed_up_on(member: User, site: Site) -> User:
    """The member as if they had signed up on `site` (SignupForm.custom_signup records it)."""
    User.objects.filter(pk=member.pk).update(site=site)
    member.site = site
    return member
