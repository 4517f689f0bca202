"""Names of the choice sets in the OpenAPI schema, where several models call a field "kind"."""

from elections.models import Contest
from stations.models import Region, Station

REGION_KIND = Region.Kind.choices
STATION_KIND = Station.Kind.choices
CONTEST_KIND = Contest.Kind.choices


# Every refusal the API can answer, on every operation: the schema then describes all answers.
ERRORS = {
    "400": "Bad input: the fields and the rules they break",
    "401": "Not signed in, or the token has expired",
    "403": "Not yours to do",
    "404": "Not found, or outside your scope",
    "409": "Not in a state that allows it now",
    "429": "Too many requests from an anonymous client",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers of every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "description": "{detail}, with the field errors where there are any",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    }
    error = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error}},
                    },
                )
    return result
