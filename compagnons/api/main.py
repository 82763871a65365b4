"""/api/v1/: django-ninja (OpenAPI 3.1 generated from the type hints and pydantic schemas), our problems, our rate
limits, our bounded JSON parser. The schema is at /api/v1/openapi.json, its documentation page at /api/v1/docs/."""

from django.conf import settings
from ninja import NinjaAPI

from compagnons.api import personal, problems, public, staff
from compagnons.api.auth import Limits
from compagnons.api.parser import BoundedJSONParser

DESCRIPTION = """L'API des Compagnons : le référentiel, les missions publiées, les mini-sites, l'annuaire, les
résultats publics et la vérification des titres, sans jeton ; vos propres données avec un jeton d'accès personnel
(créé dans « Mon profil », avec ses droits) ; les indicateurs pour l'équipe. Erreurs en `application/problem+json`,
pagination par curseur, limites de débit (429 avec `Retry-After`). Voir docs/api.md."""


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are `application/problem+json`, and a 429 says when to come back (`Retry-After`)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    if int(status) >= 400:
                        answer["description"] = problems.TITLES.get(int(status), answer.get("description", ""))
                    if int(status) >= 400 and "content" in answer:
                        answer["content"] = {problems.PROBLEM_TYPE: answer["content"]["application/json"]}
                    if int(status) == 429:
                        answer["headers"] = {
                            "Retry-After": {
                                "description": "Secondes à attendre avant de réessayer.",
                                "schema": {"type": "integer"},
                            }
                        }
                    if int(status) == 304:
                        answer["description"] = "Inchangé depuis l'ETag envoyé dans If-None-Match."
        return schema


api = Api(
    title="Compagnons — API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="apiv1",
    docs_url=None,
    parser=BoundedJSONParser(),
    throttle=[Limits()],
)
problems.install(api)
api.add_router("", public.router)
api.add_router("", personal.router)
api.add_router("", staff.router)

MAX_PAGE_SIZE = settings.API_MAX_PAGE_SIZE
