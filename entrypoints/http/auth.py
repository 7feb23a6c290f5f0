"""Who is calling: the bearer token, read once per request, and the roles an endpoint needs."""

from __future__ import annotations

from uuid import UUID

import attrs
from starlette.requests import Request

from application.ports import TokenService
from domain.customer import Role
from domain.errors import Forbidden, Unauthorized


@attrs.frozen
class Principal:
    customer_id: UUID
    roles: tuple[Role, ...]


def principal(request: Request, tokens: TokenService, *needs: Role) -> Principal:
    """The caller, when the token is valid and carries one of the roles `needs`."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an access token: Authorization: Bearer <token>")
    claims = tokens.read(token.strip())
    if needs and not set(needs) & set(claims.roles):
        raise Forbidden("your role may not use this endpoint")
    return Principal(claims.customer_id, claims.roles)
