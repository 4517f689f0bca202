"""The API's JSON parser: DRF's own, except that a body nested deeper than Python's decoder can
recurse (``[[[[…`` a hundred thousand times) is a 400 like any other malformed JSON. DRF
catches the decoder's ValueError only; nesting raises RecursionError, which was a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply") from exc
