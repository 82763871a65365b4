"""Request bodies: JSON of bounded size and depth, read before parsing (a deeply nested text would exhaust the JSON
parser's recursion). Refused as 422 problems."""

import json

from django.utils.translation import gettext as _
from ninja.parser import Parser

from compagnons.api.problems import InvalidInput
from compagnons.credentials import ob3

MAX_BODY_BYTES = 256 * 1024


class BoundedJSONParser(Parser):
    def parse_body(self, request):
        if len(request.body) > MAX_BODY_BYTES:
            raise InvalidInput(_("Le corps de la requête est trop long (256 Ko au plus)."))
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(_("Le corps de la requête doit être du JSON en UTF-8.")) from error
        if ob3.json_text_too_deep(text):
            raise InvalidInput(_("Ce JSON imbrique trop de niveaux (plus de %(n)s).") % {"n": ob3.MAX_DEPTH})
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as error:
            raise InvalidInput(_("Le corps de la requête n'est pas du JSON lisible.")) from error
