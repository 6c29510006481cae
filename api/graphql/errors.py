"""Errors as data: the typed error members of mutation result unions."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry
from graphql import GraphQLError
from pydantic import ValidationError

from api.auth import Role
from domain.errors import ConflictError, DomainError, InvalidField, MemberNotFound, VersionMismatch
from domain.values import check_tag


@strawberry.interface(description="Something a mutation refused; nothing was recorded.")
class Error:
    message: str = strawberry.field(description="What went wrong, for people.")


@strawberry.type(description="One input field that was refused, and why.")
class FieldError:
    field: str = strawberry.field(description="Path of the field, e.g. `identities.0.handle`.")
    message: str = strawberry.field(description="Why the value was refused.")
    code: str = strawberry.field(description="Machine-readable reason, e.g. `string_too_long`.")


@strawberry.type(description="The input was refused; `fieldErrors` says which fields and why.")
class ValidationFailed(Error):
    field_errors: list[FieldError] = strawberry.field(description="Each refused field.")


@strawberry.type(description="No member (or feedback item) has the given id.")
class NotFound(Error):
    id: strawberry.ID = strawberry.field(description="The id that was looked up.")


@strawberry.type(description="The command contradicts the current state of what it names.")
class Conflict(Error):
    code: str = strawberry.field(
        description="Which rule: IDENTITY_ALREADY_LINKED, MEMBER_ERASED, VERSION_MISMATCH, "
        "CONCURRENT_MODIFICATION, MEMBER_ALREADY_LEFT, MEMBER_HAS_NOT_LEFT, IDENTITY_NOT_LINKED, "
        "FEEDBACK_CONFLICT (the item's state refuses it: support twice, not linked...)."
    )
    conflicting_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member already holding the identity, when known."
    )
    current_version: int | None = strawberry.field(
        default=None,
        description="The current version of the member (or feedback item), on VERSION_MISMATCH.",
    )


@strawberry.type(description="Your API key's role may not do this.")
class Forbidden(Error):
    required_roles: list[str] = strawberry.field(description="Roles that may do it.")


def forbidden(action: str, roles: Iterable[Role]) -> Forbidden:
    """The error for a role that lacks a permission."""
    allowed = sorted(role.value for role in roles)
    return Forbidden(message=f"your role may not {action}", required_roles=allowed)


def validation_failed(error: ValidationError) -> ValidationFailed:
    """Turn pydantic's errors into field errors named as the GraphQL input names them."""
    fields = [
        FieldError(
            field=".".join(camel(str(part)) for part in item["loc"]) or "input",
            message=str(item["msg"]).removeprefix("Value error, "),
            code=str(item["type"]),
        )
        for item in error.errors()
    ]
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return ValidationFailed(message=f"invalid input: {summary}", field_errors=fields)


def domain_error(error: DomainError) -> NotFound | ValidationFailed | Conflict:
    """The union member for a domain refusal."""
    if isinstance(error, MemberNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.member_id)))
    if isinstance(error, InvalidField):
        field = FieldError(field=camel(error.field), message=error.message, code=error.field_code)
        return ValidationFailed(message=f"invalid input: {error}", field_errors=[field])
    if isinstance(error, ConflictError):
        holder = getattr(error, "holder_id", None)
        return Conflict(
            message=str(error),
            code=error.code,
            conflicting_member_id=strawberry.ID(str(holder)) if holder else None,
            current_version=error.actual if isinstance(error, VersionMismatch) else None,
        )
    raise error


def bad_input(message: str) -> GraphQLError:
    """A top-level error for a bad query argument."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def bad_field(error: InvalidField, prefix: str = "") -> GraphQLError:
    """BAD_USER_INPUT for a query argument the domain refused, naming it as GraphQL does."""
    field = prefix + camel(error.field)
    return GraphQLError(
        f"{field}: {error.message}",
        extensions={"code": "BAD_USER_INPUT", "field": field, "reason": error.field_code},
    )


def checked_tag(value: str | None) -> str | None:
    """A tag filter, normalised, or BAD_USER_INPUT saying why it is not a tag."""
    if value is None:
        return None
    try:
        return check_tag(value)
    except ValueError as error:
        raise bad_input(f"filter.tag: {error}") from None


def forbidden_query(message: str) -> GraphQLError:
    """A top-level error for a query the caller's role may not run."""
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def camel(name: str) -> str:
    """A snake_case field name as GraphQL spells it."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
