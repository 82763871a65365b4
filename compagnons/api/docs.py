"""Reads: the live OpenAPI document as groups of operations, for the server-rendered documentation page."""

from dataclasses import dataclass, field
from functools import cache

from compagnons.api.main import api

TAG_TITLES = {"public": "Public, sans jeton", "personnel": "Personnel, avec un jeton", "équipe": "Équipe"}


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    scope: str
    parameters: list[dict] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str]] = field(default_factory=list)
    anchor: str = ""


def _type(schema: dict) -> str:
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return schema.get("type", "objet")


def schema_document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


@cache
def operations() -> list[tuple[str, list[Operation]]]:
    """Once per process: the document depends only on the code."""
    groups: dict[str, list[Operation]] = {}
    scopes = _scopes()
    for path, methods in schema_document()["paths"].items():
        for method, spec in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _type(p.get("schema", {})),
                    "description": p.get("description", "") or p.get("schema", {}).get("description", ""),
                }
                for p in spec.get("parameters", [])
            ]
            body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
                scope=scopes.get((method, path), ""),
                parameters=params,
                body=_type(body) if body else "",
                responses=[(status, answer.get("description", "")) for status, answer in spec["responses"].items()],
                anchor=spec.get("operationId", ""),
            )
            groups.setdefault((spec.get("tags") or ["public"])[0], []).append(operation)
    return [(TAG_TITLES.get(tag, tag), ops) for tag, ops in groups.items()]


def _scopes() -> dict[tuple[str, str], str]:
    """The scope each operation asks, read from the routes' authentication."""
    found = {}
    for prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            for op in path_view.operations:
                for auth in op.auth_callbacks or []:
                    scope = getattr(auth, "scope", "")
                    if scope:
                        for method in op.methods:
                            found[(method.lower(), "/api/v1/" + (prefix + route).lstrip("/"))] = str(scope)
    return found
