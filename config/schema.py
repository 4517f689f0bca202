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
    as_json = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    as_text = {"text/plain": {"schema": {"type": "string"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # An operation that answers in plain text only (the transparency log's notes)
            # refuses in plain text too.
            kinds = {kind for code, answer in responses.items() if code.startswith("2")
                     for kind in answer.get("content", {})}  # fmt: skip
            content = as_text if kinds == {"text/plain"} else as_json
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result
