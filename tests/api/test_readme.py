"""Every example of README.md, run as written against the demo community over real HTTP.

Each ```graphql block's operations run one by one with an admin key, in README order;
"…" placeholders become the id of the demo member with the richest stage history, and
required variables get real values. The `curl` examples run as their httpx equivalents.
Any `errors`, any error type in a result union, or any status but 200 fails: a README
whose examples break fails the suite. Past-time examples (`asOf`, `stageHistory`) must
also find something on the demo, which records two years of stage history.
"""

from __future__ import annotations

import gzip
import json
import re
import shlex
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    GraphQLObjectType,
    GraphQLSyntaxError,
    InlineFragmentNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from api.app import create_app
from api.auth import Role
from api.demo import demo_community
from api.graphql.schema import build_schema
from api.services import Services
from application.runtime import Runtime
from tests.api.conftest import Api, serving
from tests.conftest import create_database, drop_database, test_settings
from tests.exports import example_export

README = Path(__file__).resolve().parents[2] / "README.md"
# The demo of `crm serve --demo` has 300 members; a smaller one of the same shape is enough.
DEMO_MEMBERS = 150
PLACEHOLDERS = ("…", "...")
# Fields about the past that must find something on the demo community.
PAST_ARGUMENTS = ("asOf",)
PAST_FIELDS = ("stageHistory",)
README_HOST = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Operation:
    """One operation of a ```graphql block of the README, as its own document."""

    line: int
    name: str
    document: DocumentNode | None
    syntax_error: str | None = None

    def __str__(self) -> str:
        return f"README.md:{self.line}:{self.name}"


@dataclass(frozen=True)
class Curl:
    """One `curl` example of the README."""

    line: int
    url: str
    headers: dict[str, str]
    body: str | None
    body_file: str | None
    method: str | None = None
    form_file: str | None = None  # -F file=@NAME: an export uploaded as multipart

    def __str__(self) -> str:
        return f"README.md:{self.line}:curl"


def _blocks(language: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each fenced block of this language."""
    text = README.read_text()
    for found in re.finditer(rf"^```{language}[ \t]*\n(.*?)^```", text, re.M | re.S):
        yield text.count("\n", 0, found.start(1)) + 1, found.group(1)


def readme_operations() -> list[Operation]:
    """Every operation of every ```graphql block, each runnable on its own."""
    operations = []
    for line, text in _blocks("graphql"):
        try:
            document = parse(text)
        except GraphQLSyntaxError as error:
            operations.append(Operation(line, "unparsable", None, error.message))
            continue
        fragments = tuple(
            d for d in document.definitions if not isinstance(d, OperationDefinitionNode)
        )
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            start = definition.loc.start_token.line if definition.loc else 1
            name = definition.name.value if definition.name else definition.operation.value
            single = DocumentNode(definitions=(definition, *fragments))
            operations.append(Operation(line + start - 1, name, single))
    return operations


def readme_curls() -> list[Curl]:
    """Every `curl` command of the ```sh blocks (with its continuation lines), parsed."""
    curls = []
    for line, text in _blocks("sh"):
        for found in re.finditer(r"^\s*curl .*?(?<!\\)$", text, re.M | re.S):
            command = found.group(0).replace("\\\n", " ")
            curls.append(_parse_curl(line + text.count("\n", 0, found.start()), command))
    return curls


# curl options that change nothing the test checks.
QUIET_OPTIONS = ("-s", "--silent", "-S", "--show-error", "-f", "--fail", "-i", "--include")


def _parse_curl(line: int, command: str) -> Curl:
    words = shlex.split(command, comments=True)[1:]
    headers: dict[str, str] = {}
    url = body = body_file = method = form_file = None
    while words:
        word = words.pop(0)
        if word in ("-H", "--header"):
            name, _, value = words.pop(0).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-X", "--request"):
            method = words.pop(0).upper()
        elif word in ("-d", "--data", "--data-binary", "--data-raw"):
            data = words.pop(0)
            if data.startswith("@") and word != "--data-raw":
                body_file = data[1:]
            else:
                body = data
        elif word in ("-F", "--form"):
            field, _, value = words.pop(0).partition("=")
            assert field == "file", f"README.md:{line}: curl form field {field} not understood"
            form_file = value.removeprefix("@")
        elif word.startswith("-"):
            assert word in QUIET_OPTIONS, f"README.md:{line}: curl option {word} not understood"
        else:
            url = word
    assert url, f"README.md:{line}: curl without a URL"
    return Curl(line, url, headers, body, body_file, method, form_file)


def _variable_values(operation: OperationDefinitionNode, member_id: str) -> dict[str, Any]:
    """Values for the required variables of a README document: real ids, plain samples."""
    samples: dict[str, Any] = {
        "ID": member_id,
        "Int": 10,
        "Boolean": True,
        "DateTime": (datetime.now(UTC) - timedelta(days=90)).isoformat(),
    }
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        required = isinstance(definition.type, NonNullTypeNode) and not definition.default_value
        if not required:
            continue  # optional: the document as a reader first runs it
        type_name = print_ast(definition.type).rstrip("!")
        assert type_name in samples, f"no sample value for required ${name}: {type_name}"
        values[name] = samples[type_name]
    return values


class _Prepare(Visitor):
    """Real ids for placeholders, a chosen identity for memberByIdentity, __typename everywhere."""

    def __init__(self, member_id: str, identity: tuple[str, str] | None) -> None:
        super().__init__()
        self.member_id = member_id
        self.identity = identity

    def enter_string_value(self, node: StringValueNode, *_: Any) -> StringValueNode | None:
        if node.value.strip() in PLACEHOLDERS:
            return StringValueNode(value=self.member_id)
        return None

    def enter_field(self, node: FieldNode, *_: Any) -> FieldNode | None:
        if self.identity is None or node.name.value != "memberByIdentity":
            return None
        channel, handle = self.identity
        arguments = (
            ArgumentNode(name=NameNode(value="channel"), value=EnumValueNode(value=channel)),
            ArgumentNode(name=NameNode(value="handle"), value=StringValueNode(value=handle)),
        )
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=arguments,
            directives=node.directives,
            selection_set=node.selection_set,
        )

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode | None:
        # Every object then says its type, so an error member of a union cannot pass unseen.
        names = {s.name.value for s in node.selections if isinstance(s, FieldNode)}
        if "__typename" in names:
            return None
        typename = FieldNode(
            alias=None,
            name=NameNode(value="__typename"),
            arguments=(),
            directives=(),
            selection_set=None,
        )
        return SelectionSetNode(selections=(*node.selections, typename))


def _error_types() -> set[str]:
    schema = build_schema()._schema
    return {
        name
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and any(i.name == "Error" for i in kind.interfaces)
    }


ERROR_TYPES = _error_types()


def _errors_in(value: Any, path: str = "data") -> list[str]:
    """Where the answer holds an error type, anywhere."""
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in _errors_in(item, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return []
    found = [f"{path}: {value}"] if value.get("__typename") in ERROR_TYPES else []
    for key, item in value.items():
        found += _errors_in(item, f"{path}.{key}")
    return found


def _empty_past(selections: SelectionSetNode | None, value: Any, path: str = "data") -> list[str]:
    """Fields about the past (asOf, stageHistory) that answered nothing."""
    if selections is None or value is None:
        return []
    if isinstance(value, list):
        return [
            p for i, item in enumerate(value) for p in _empty_past(selections, item, f"{path}[{i}]")
        ]
    empty = []
    for selection in selections.selections:
        if isinstance(selection, InlineFragmentNode):
            empty += _empty_past(selection.selection_set, value, path)
            continue
        if not isinstance(selection, FieldNode):
            continue
        key = (selection.alias or selection.name).value
        if key not in value:
            continue
        answer = value[key]
        about_past = selection.name.value in PAST_FIELDS or any(
            argument.name.value in PAST_ARGUMENTS for argument in selection.arguments or ()
        )
        if about_past and not _has_rows(answer):
            empty.append(f"{path}.{key} is empty")
        empty += _empty_past(selection.selection_set, answer, f"{path}.{key}")
    return empty


def _has_rows(answer: Any) -> bool:
    if isinstance(answer, dict):
        return bool(answer.get("edges") or answer.get("nodes"))
    return bool(answer)


@dataclass(frozen=True)
class Demo:
    """The demo community served over HTTP, and the member the README's examples are about."""

    api: Api
    admin_key: str
    member_id: str
    identity: tuple[str, str]


@pytest.fixture(scope="module")
def demo(server_url: str, template_database: str) -> Iterator[Demo]:
    """The demo community of `crm serve --demo`, seeded the same way, served by uvicorn."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_readme"
    url = create_database(server_url, name, template=template_database)
    runtime = Runtime.start(test_settings(url))
    demo_community(runtime, DEMO_MEMBERS)
    services = Services.build(runtime, run_projections=True)
    try:
        with serving(create_app(services=services)) as base, httpx.Client(timeout=30) as client:
            api = Api(base, services, client)
            key = api.key(Role.ADMIN)
            member_id = _richest_history(runtime)
            body = api.graphql(
                "query($id: ID!) { member(id: $id) { identities { channel handle } } }",
                {"id": member_id},
                key=key,
            )
            identity = body["data"]["member"]["identities"][0]
            yield Demo(api, key, member_id, (identity["channel"], identity["handle"]))
    finally:
        services.close()
        drop_database(server_url, name)


def _richest_history(runtime: Runtime) -> str:
    """The demo member with the most stage changes who is still around, has a handle, and
    may be nominated (neither staff nor in the demo's ambassador program)."""
    with runtime.pool.connection() as conn:
        row = conn.execute(
            """
            SELECT h.member_id FROM member_stage_history h
            JOIN members m USING (member_id)
            WHERE m.status = 'active' AND NOT m.is_bot AND NOT m.is_staff
              AND EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = h.member_id)
              AND NOT EXISTS (SELECT 1 FROM ambassadors a WHERE a.member_id = h.member_id)
            GROUP BY h.member_id ORDER BY count(*) DESC, h.member_id LIMIT 1
            """
        ).fetchone()
    assert row, "the demo community has no stage history"
    return str(row[0])


def _run(demo: Demo, operation: Operation, identity: tuple[str, str] | None) -> dict[str, Any]:
    assert operation.document is not None, f"{operation}: {operation.syntax_error}"
    document = visit(operation.document, _Prepare(demo.member_id, identity))
    (definition,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    response = demo.api.client.post(
        f"{demo.api.url}/graphql",
        json={
            "query": print_ast(document),
            "variables": _variable_values(definition, demo.member_id),
        },
        headers={"Authorization": f"Bearer {demo.admin_key}"},
    )
    assert response.status_code == 200, f"{operation}: HTTP {response.status_code} {response.text}"
    body: dict[str, Any] = response.json()
    assert "errors" not in body, f"{operation}: {body['errors']}"
    assert not _errors_in(body["data"]), f"{operation}: {_errors_in(body['data'])}"
    empty = _empty_past(definition.selection_set, body["data"])
    assert not empty, f"{operation}: nothing about the past on the demo: {empty}"
    return body


OPERATIONS = readme_operations()
CURLS = readme_curls()


def test_the_readme_has_examples_to_run() -> None:
    assert len(OPERATIONS) >= 5 and any(c.body_file for c in CURLS) and any(c.body for c in CURLS)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_each_graphql_document_of_the_readme_runs_clean(demo: Demo, operation: Operation) -> None:
    _run(demo, operation, None)
    assert operation.document is not None
    if "memberByIdentity" in print_ast(operation.document):
        # As written it finds the README's own member; the demo member has a stage history.
        _run(demo, operation, demo.identity)


def test_the_readme_asks_about_the_past_and_the_demo_answers(demo: Demo) -> None:
    """The time-travel examples exist, and (run above) find rows on the demo."""
    asked = [o for o in OPERATIONS if o.document and "asOf" in print_ast(o.document)]
    assert asked, "README.md has no asOf example"
    for operation in asked:
        body = _run(demo, operation, None)
        assert body["data"]


def _curl_key(demo: Demo, header: str) -> str:
    """The key a `$SOMETHING_KEY` in a README curl stands for: by the role it names."""
    variable = re.search(r"\$\{?(\w+)", header)
    assert variable, header
    name = variable.group(1).lower()
    role = next((r for r in Role if r.value in name), Role.ADMIN)
    key = demo.api.key(role)
    return re.sub(r"\$\{?\w+\}?", key, header)


def _ndjson(demo: Demo, creates_members: bool, lines: int = 3) -> bytes:
    """A small export in the documented record shape, for a README `--data-binary @file`.

    New handles when the example creates unknown members, else the demo member's id.
    """
    now = datetime.now(UTC)
    records = [
        {
            **(
                {"identity_channel": "discord", "identity_handle": f"readme-{uuid.uuid4().hex[:8]}"}
                if creates_members
                else {"member_id": demo.member_id}
            ),
            "channel": "discord",
            "kind": "message",
            "occurred_at": (now - timedelta(hours=n + 1)).isoformat(),
            "external_id": f"readme-{uuid.uuid4().hex}",
            "summary": "from the README test",
        }
        for n in range(lines)
    ]
    return "".join(json.dumps(r) + "\n" for r in records).encode()


@pytest.mark.parametrize("curl", CURLS, ids=str)
def test_each_curl_example_of_the_readme_runs_clean(demo: Demo, curl: Curl) -> None:
    headers = {
        name: _curl_key(demo, value) if "$" in value else value
        for name, value in curl.headers.items()
    }
    body = curl.body.encode() if curl.body is not None else None
    if curl.body_file:
        body = _ndjson(demo, "create_unknown_members=true" in curl.url)
        if curl.body_file.endswith(".gz"):
            body = gzip.compress(body)
    url = curl.url.replace(README_HOST, demo.api.url)
    for placeholder in PLACEHOLDERS:  # "…" in a path: the demo member, as in GraphQL
        url = url.replace(placeholder, demo.member_id)
    assert url.startswith(demo.api.url), f"{curl}: not a URL of the API: {curl.url}"
    method = curl.method or ("POST" if body is not None or curl.form_file else "GET")
    files = {"file": (curl.form_file, platform_export(url))} if curl.form_file else None
    response = demo.api.client.request(method, url, content=body, headers=headers, files=files)
    assert response.status_code == 200, f"{curl}: HTTP {response.status_code} {response.text}"
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("application/x-ndjson"):
        # A streamed export: JSON lines, the last one the cursor to go on from.
        *_, last = (json.loads(line) for line in response.text.splitlines())
        assert last["endCursor"] == response.headers["X-Next-Cursor"], f"{curl}: {last}"
        return
    if "json" not in content_type:
        return
    answer = response.json()
    assert "errors" not in answer, f"{curl}: {answer['errors']}"
    assert not _errors_in(answer.get("data", answer)), f"{curl}: {answer}"
    if curl.body_file:
        assert answer["accepted"] == 3 and answer["rejected"] == 0, f"{curl}: {answer}"
    elif curl.form_file:
        assert answer["imported"] > 0 and answer["failed"] == 0, f"{curl}: {answer}"
    elif "data" in answer:
        assert answer["data"] and all(v is not None for v in answer["data"].values()), answer


def platform_export(url: str) -> bytes:
    """A small export of the platform an /imports URL names, with ids unique to this run."""
    with tempfile.TemporaryDirectory() as folder:
        return example_export(url.split("/imports/")[1].split("?")[0], Path(folder)).read_bytes()
