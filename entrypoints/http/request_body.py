"""Reading a JSON body: malformed JSON is a validation_error, never a 500."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from domain.errors import ValidationError


async def json_body(request: Request) -> Any:
    return parse_json(await request.body())


def parse_json(raw: bytes) -> Any:
    if not raw:
        raise ValidationError("the request needs a JSON body")
    try:
        # As json.loads reads bytes (UTF-8, -16 or -32), with a decoder made once, not per call.
        return _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("the request body is not valid JSON") from None
    except RecursionError:  # hostile nesting: refuse it, never let it become a 500
        raise ValidationError("the request body is nested too deeply") from None


def _refuse_float(text: str) -> Any:
    # Money is a decimal string; a JSON number with a fraction is refused, never rounded.
    raise ValidationError("numbers with a fraction are not accepted; send money as a string",
                          value=text)


def _refuse_constant(text: str) -> Any:
    raise ValidationError(f"{text} is not valid JSON")


_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_constant)
