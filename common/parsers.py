"""The API's JSON parser: DRF's own, and two refusals more, each a 400 like any other malformed
JSON rather than the 500 it was:
- a body nested deeper than Python's decoder can recurse (``[[[[…`` a hundred thousand
  times): DRF catches the decoder's ValueError only, and nesting raises RecursionError;
- a NUL character (``\\u0000``) in any key or string: no text the site stores or looks up may
  hold one, and Postgres refuses it outright (a lookup by it was a DataError).
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - the body is nested too deeply")) from exc
        if (where := _nul_at(data)) is not None:
            raise ParseError(f"{where or 'body'}: " + _("a NUL character (\\u0000)"))
        return data


def _nul_at(data: object) -> str | None:
    """Where a key or string in ``data`` holds a NUL ("entries.0.remarks"), or None; read
    without recursion, as the body may be deep."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return path
        if isinstance(item, dict):
            for key, value in item.items():
                inner = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    return inner.replace("\x00", "\\u0000")
                stack.append((inner, value))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), value) for i, value in enumerate(item))
    return None
