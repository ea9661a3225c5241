"""The books over HTTP (FastAPI; extra ``[web]``): a REST API under ``/api`` (its OpenAPI
schema at ``/openapi.json``, browsable at ``/docs``) and the dashboard at ``/``.

Log in with ``POST /api/login`` (name and password) for a session token, then send it as
``Authorization: Bearer TOKEN``. A clerk writing another place's books gets 403, bad input
422 with the field (``detail[0].loc``) and what was expected (``detail[0].msg``); in both
cases nothing is written. Every refusal (401, 403, 404, 409, 422, 429, ...) is said in that
one shape, ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}``. An entry written
against what the scenario says (more given than a locality has, a convoy over a closed
route) is answered with ``warnings``, said the same way.
"""


import asyncio
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterator, Mapping
from importlib.resources import files
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from supplyline.errors import PlanError
from supplyline.ops.accounts import (
    Account,
    Locked,
    account_problems,
    accounts,
    add_account,
    check_password,
    drop_token,
    may_write,
    new_token,
    who,
)
from supplyline.ops.books import Books
from supplyline.ops.entries import (
    Entry,
    EntryError,
    body_loc,
    outside_horizon,
    routes_by_ends,
    said,
    scenario_problems,
)
from supplyline.ops.overview import Views, state_json
from supplyline.ops.replan import (
    ReplanRefused,
    as_of_refused,
    compare_plans,
    entries_left_out,
    figures_of,
    in_force_or_first,
    plan_vs_actual,
    plans_in_force,
    recorded_state,
    replan,
    replan_in_force,
)
from supplyline.ops.writing import KeyReused
from supplyline.scenario._yaml_lines import json_float
from supplyline.scenario.schema import Date
from supplyline.text import did_you_mean

__all__ = ["app_from_environment", "create_app"]

Kind = Literal["pledge", "contribution", "labour", "dispatch", "receipt", "wounded", "route",
               "cancel"]
_bearer = HTTPBearer(auto_error=False)


class _Body(BaseModel):
    """A request's body: a field it does not know is refused, not dropped."""

    model_config = ConfigDict(extra="forbid")


class Login(_Body):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class NewAccount(_Body):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1000)
    role: Literal["council", "depot", "commune", "viewer"]
    place: str | None = Field(None, max_length=200)


def _request_key(key: str | None) -> str | None:
    """A write's ``Idempotency-Key`` header, checked: sent again with the same key (a double
    click, a retry after an answer that was lost), a write is answered as the first time and
    nothing is written again."""
    if key is not None and not (0 < len(key) <= 200 and all("!" <= c <= "~" for c in key)):
        raise ValueError("1 to 200 printable characters without spaces (ASCII)")
    return key


async def _one_request_key(request: Request, idempotency_key: Annotated[
        str | None, AfterValidator(_request_key), Header(
            description="any text of your own (1-200 printable characters, no spaces), new "
                        "for each write: the same write sent again with it is answered as "
                        "the first time and written once; sent with other entries, it is "
                        "refused (422); given twice, it is refused (422)")] = None
                           ) -> str | None:
    """The ``Idempotency-Key`` header, given once (given twice, the second was dropped, and
    a retry that carried it wrote the entries again): 422 at the header."""
    keys = request.headers.getlist("idempotency-key")
    if len(keys) > 1:
        raise _refused(422, ["header", "idempotency-key"],
                       f"expected one key, got {len(keys)}: "
                       + ", ".join(repr(k) for k in keys))
    return idempotency_key


RequestKey = Annotated[str | None, Depends(_one_request_key)]


class ReplanRequest(_Body):
    as_of: Date = Field(description="plan from the start of this day (on or after the last "
                                    "entry's date)")
    keep: StrictBool = Field(True, description="keep the re-plan as the plan in force "
                                               "(true or false, no other value)")


class Problem(BaseModel):
    """One problem of a refused request: where (``loc``), what was expected and found."""

    loc: list[str | int] = Field(description="where: ``body``, ``query``, ``header``, then "
                                             "the field's path")
    msg: str = Field(description="what was expected, and what was found")
    type: str


class Refusal(BaseModel):
    """Every refusal, whatever its status: the problems of the request, all at once."""

    detail: list[Problem]


#: What each refusal a route may give means (its schema: :class:`Refusal`), for OpenAPI.
_MEANS = {
    401: "not logged in (no token, or one that has ended); at login, a wrong name or "
         "password",
    403: "this account's role or place may not do this",
    409: "a conflict with the books: an entry corrected or a convoy received meanwhile, an "
         "account that exists, a re-plan from before the last entries, or a plan that "
         "cannot be made",
    411: "a body sent without its length (Content-Length)",
    413: "a body over 8 MiB",
    415: "a body that is not JSON (Content-Type)",
    422: "bad input: each field (loc), what was expected and what was found (msg)",
    429: "too many failed logins in a row: the account is locked for a while (Retry-After)",
}


def _may_refuse(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a route may give, as FastAPI's ``responses`` (401 and 422 are every
    route's)."""
    return {status: {"model": Refusal, "description": _MEANS[status]}
            for status in sorted({401, 422, *statuses})}


#: The refusals of a route that reads a body.
_BODY = (411, 413, 415)

#: The ``type`` of a refusal by its status, where the status says it.
_TYPES = {403: "forbidden", 409: "conflict", 411: "length_required",
          413: "too_large", 415: "unsupported_media_type"}


def _said(loc: list[str | int], message: str, type_: str = "value_error") -> dict[str, Any]:
    """One problem as every refusal says it: where, "expected ..., got ...", and its type."""
    return {"loc": loc, "msg": message, "type": type_}


#: The most problems a refusal says one by one (a body of 50,000 unknown fields was
#: answered with 5.8 MB); a batch of 1,000 entries with one problem each is said whole.
MAX_PROBLEMS = 1000


def _refusal(status: int, detail: list[dict[str, Any]],
             headers: Mapping[str, str] | None = None) -> JSONResponse:
    """A refusal's answer: its problems, the first ``MAX_PROBLEMS`` of them and how many
    more there are."""
    if len(detail) > MAX_PROBLEMS:
        more = len(detail) - MAX_PROBLEMS
        detail = [*detail[:MAX_PROBLEMS], _said(
            [], f"expected at most {MAX_PROBLEMS:,} problems said one by one, got "
                f"{more:,} more, not said", "too_many_problems")]
    return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)


def _problem(status: int, problems: list[tuple[str, str]]) -> JSONResponse:
    """Problems (dotted fields of the body, and what was expected and found), each said."""
    kind = _TYPES.get(status, "value_error")
    return _refusal(status, [_said(body_loc(field), message, kind)
                             for field, message in problems])


def _query_filters(request: Request, refused: list[list[str | int]]
                   ) -> tuple[str | None, dt.date | None, dt.date | None]:
    """The entries' list's place, since and until as the request gives them, each None
    where it is absent or refused already (``refused``: the refused parameters' locations
    after "query")."""
    said_ = {str(loc[0]) for loc in refused if loc}
    query = request.query_params
    place = query.get("place") if "place" not in said_ else None
    dates: list[dt.date | None] = []
    for name in ("since", "until"):
        value = query.get(name)
        dates.append(None if value is None or name in said_
                     else TypeAdapter(Date).validate_python(value))
    return place, dates[0], dates[1]


def _refused(status: int, loc: list[str | int], message: str, type_: str = "value_error",
             headers: dict[str, str] | None = None) -> HTTPException:
    """A refusal said as every other is: ``{"detail": [{"loc", "msg", "type"}]}``."""
    return HTTPException(status, [_said(loc, message, type_)], headers=headers)


#: The largest request body read (a batch of 10,000 entries is about 2.5 MB): a larger one is
#: refused before any of it is read, and so is a body sent without its length.
MAX_BODY_BYTES = 8 * 2**20


def _json_type(value: bytes | None) -> bool:
    """Whether a Content-Type header says JSON (a body without one is not read as JSON: it
    was refused as "expected an object, got b'...'", echoing the body, password and all)."""
    if value is None:
        return False
    kind = value.decode("latin-1").split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                          and kind.endswith("+json"))


class _BodyChecks:
    """Refuses a request body over ``MAX_BODY_BYTES`` (413), or one of unknown length (411),
    before the server reads it (an anonymous 200 MB POST was read whole before its 401),
    and a body that says it is not JSON (415: it was said as "expected an object, got
    b'...'")."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            refusal = None
            if length is None and headers.get(b"transfer-encoding"):
                refusal = (411, "a body with its length (Content-Length)", "none")
            elif length is not None and (not length.isdigit()
                                         or int(length) > MAX_BODY_BYTES):
                refusal = (413, f"a body of at most {MAX_BODY_BYTES:,} bytes",
                           f"{length.decode('latin-1')} bytes")
            elif length not in (None, b"0") and not _json_type(headers.get(b"content-type")):
                said_type = headers.get(b"content-type")
                refusal = (415, "a JSON body (Content-Type: application/json)",
                           "no Content-Type" if said_type is None else
                           f"Content-Type: {said_type.decode('latin-1')}")
            if refusal is not None:
                status, expected, got = refusal
                where: list[str | int] = ["header", "content-type"] if status == 415 else ["body"]
                response = _refusal(status, [
                    _said(where, f"expected {expected}, got {got}", _TYPES[status])])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as written: its keys in order, repeated ones too."""


#: How deep a JSON body may nest (an entry nests 3 levels; a batch 4).
MAX_JSON_DEPTH = 32

#: A JSON string, or a number, in a body's text (the first found where it starts).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')


class _TooLong(ValueError):
    """A whole number of more digits than Python reads (``sys.get_int_max_str_digits``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def said(self, body: bytes) -> str:
        """What was expected and found, and where the number starts (in characters)."""
        most, digits = sys.get_int_max_str_digits(), len(self.text.lstrip("-"))
        decoded = body.decode(json.detect_encoding(body), "surrogatepass")
        at = next((m.start() for m in _TOKEN.finditer(decoded) if m.group() == self.text),
                  None)
        return (f"expected a JSON document whose whole numbers have at most {most:,} digits, "
                f"got one of {digits:,} digits" + ("" if at is None else f" at character {at}"))


def _whole(text: str) -> int:
    """A JSON whole number, or :class:`_TooLong`, said at the body (Python refuses such a
    number with a ValueError that FastAPI answered as a 400 of a shape of its own)."""
    most = sys.get_int_max_str_digits()
    if most and len(text.lstrip("-")) > most:
        raise _TooLong(text)
    return int(text)


def _read_json(body: bytes) -> Any:
    """A request's JSON body, as the API reads it: a number a float does not hold (``"kg":
    1e400``, ``1e-400``, ``NaN``) keeps its text for what a refusal says, read as the
    scenario's GeoJSON tables read it (:func:`~supplyline.scenario._yaml_lines.json_float`:
    ``1e400`` had been refused as "got inf", ``1e-400`` as "got 0.0"); a whole number of
    more digits than Python reads is :class:`_TooLong`, said at the body."""
    return json.loads(body, parse_float=json_float, parse_int=_whole,
                      parse_constant=json_float)


class _JsonRequest(Request):
    """A request whose JSON body is read by :func:`_read_json` (FastAPI reads the body by
    ``Request.json``)."""

    async def json(self) -> Any:
        if not hasattr(self, "_body_json"):
            self._body_json = _read_json(await self.body())
        return self._body_json


def _repeated_keys(body: bytes) -> list[list[str | int]]:
    """Where a key is written again in one object of a JSON body (JSON keeps the last and
    drops the others in silence), as ``loc``s; none where the body is not JSON (said
    elsewhere). A body nested deeper than ``MAX_JSON_DEPTH``, or one that is not UTF-8, is
    refused here (422 at the body: 100,000 brackets, or a Latin-1 ``é``, were a 400 in a
    shape of its own)."""
    too_deep = HTTPException(422, [_said(["body"], f"expected JSON nested at most "
                                                   f"{MAX_JSON_DEPTH} levels deep, got one "
                                                   "nested deeper", "json_invalid")])
    try:
        document = json.loads(body, object_pairs_hook=_Pairs, parse_int=_whole)
    except UnicodeDecodeError as error:  # (Latin-1 text was a 400 without a field)
        bad = error.object[error.start]
        raise HTTPException(422, [_said(["body"], f"expected UTF-8 JSON, got byte 0x{bad:02X} "
                                                  f"at position {error.start}",
                                        "json_invalid")]) from None
    except _TooLong as error:  # (it was a 400, "There was an error parsing the body")
        raise HTTPException(422, [_said(["body"], error.said(body), "json_invalid")]) from None
    except ValueError:
        return []
    except RecursionError:
        raise too_deep from None
    found: list[list[str | int]] = []

    def walk(value: Any, at: list[str | int]) -> None:
        if len(at) > MAX_JSON_DEPTH:
            raise too_deep
        if isinstance(value, _Pairs):
            seen: set[str] = set()
            for name, inner in value:
                if name in seen:
                    found.append([*at, name])
                seen.add(name)
                walk(inner, [*at, name])
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(inner, [*at, i])

    walk(document, ["body"])
    return found


class _OneKeyOnce(APIRoute):
    """A route whose JSON body may not write a key twice in one object (``"kg": 1,
    "kg": 7`` kept 7 without a word): 422 at the key."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            request = _JsonRequest(request.scope, request.receive)
            if request.method in ("POST", "PUT", "PATCH"):
                repeated = _repeated_keys(await request.body())
                if repeated:
                    raise HTTPException(422, [_said(loc, f"expected each key once in an "
                                                         f"object, got {loc[-1]!r} again")
                                              for loc in repeated])
            return await handler(request)

        return checked


def create_app(books: Books) -> FastAPI:
    """The API and dashboard over ``books``."""
    app = FastAPI(title="supplyline books",
                  description="The council's books: entries, State, plans, re-plans.",
                  dependencies=[Depends(_known_query)])
    app.router.route_class = _OneKeyOnce
    app.add_middleware(_BodyChecks)
    views = Views(books)
    planning = threading.Lock()

    @app.exception_handler(EntryError)
    def _entry_error(_request: Request, error: EntryError) -> JSONResponse:
        if isinstance(error, KeyReused):
            return _refusal(422, [_said(["header", "idempotency-key"], error.message)])
        return _problem(error.status, error.problems)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, error: StarletteHTTPException) -> Response:
        # Refusals are said in one shape, whoever refuses (a path that is not there too).
        detail: Any = error.detail
        if not isinstance(detail, list):
            detail = [_said([], str(detail), "http_error")]
        if error.status_code in (204, 304):
            return Response(status_code=error.status_code, headers=error.headers)
        return _refusal(error.status_code, detail, error.headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # A query parameter the path does not read, or one given twice, first (each said
        # once: a value of one given twice is not judged again).
        detail: list[dict[str, Any]] = list(getattr(request.state, "query_problems", []))
        refused: dict[int | None, list[list[str | int]]] = defaultdict(list)
        said_already = {tuple(d["loc"]) for d in detail}
        for d in detail:
            refused[None].append(d["loc"][1:])
        # (a field left out, or the body, expects what a wrong value of it hears: the
        # body's type says)
        info = getattr(getattr(request.scope.get("route"), "body_field", None),
                       "field_info", None)
        body = None if info is None else info.rebuild_annotation()
        for e in error.errors():
            if tuple(e["loc"][:2]) in said_already:
                continue
            loc, message = said(e, books.index.goods, books.index, body)
            detail.append(_said(loc, message, e["type"]))
            if loc[1:2] and isinstance(loc[1], int):
                refused[loc[1]].append(loc[2:])
            else:
                refused[None].append(loc[1:])
        # An entry's fields that pydantic did not refuse are checked against the scenario
        # too, so that every problem is said at once (a misspelt place beside a bad kg).
        if request.url.path == "/api/entries" and isinstance(error.body, dict):
            entries: list[tuple[int | None, Any]] = [(None, error.body)]
        elif request.url.path == "/api/entries/batch" and isinstance(error.body, list):
            entries = list(enumerate(error.body[:MAX_PROBLEMS]))
        else:
            entries = []
        for i, data in entries:
            for field, message in scenario_problems(data, refused.get(i, []), books.index):
                detail.append(_said(body_loc(field if i is None else f"{i}.{field}"),
                                    message))
        # So are the entries' list's filters (a wrong place beside a bad limit).
        if request.url.path in ("/api/entries", "/api/entries.csv") and \
                request.method == "GET":
            detail += filter_problems(*_query_filters(request, refused[None]))
        # So are an account's (a wrong place beside a short password).
        if request.url.path == "/api/accounts" and isinstance(error.body, dict) and all(
                refused[None]):
            bad = {str(loc[0]) for loc in refused[None]}
            for field, message in account_problems(books, error.body, bad):
                detail.append(_said(body_loc(field), message))
        return _refusal(422, detail)

    # Tokens seen lately, so that a request costs no query (kept 30 s: an account replaced
    # through another server process is seen within that time). The check runs on the
    # event loop, without a hop to a worker thread, unless the token must be looked up.
    known: dict[str, tuple[float, Account]] = {}

    async def account(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                              Depends(_bearer)]) -> Account:
        found = None
        if credentials is not None:
            token, now = credentials.credentials, time.monotonic()
            seen = known.get(token)
            if seen is not None and now - seen[0] < 30:
                found = seen[1]
            else:
                found = await run_in_threadpool(who, books, token)
                if found is not None:
                    if len(known) > 100_000:
                        known.clear()
                    known[token] = (now, found)
        if found is None:
            raise _refused(401, ["header", "authorization"],
                           "log in first (POST /api/login), then send 'Authorization: "
                           "Bearer TOKEN'", "not_logged_in", {"WWW-Authenticate": "Bearer"})
        return found

    async def council(user: Annotated[Account, Depends(account)]) -> Account:
        if user.role != "council":
            raise _refused(403, ["header", "authorization"], "only the council may do this",
                           "forbidden")
        return user

    User = Annotated[Account, Depends(account)]
    Council = Annotated[Account, Depends(council)]

    @app.post("/api/login", tags=["accounts"], responses=_may_refuse(*_BODY, 429))
    def login(body: Login) -> dict[str, Any]:
        try:
            found = check_password(books, body.name, body.password)
        except Locked as locked:
            raise _refused(429, ["body", "name"], str(locked), "locked",
                           {"Retry-After": str(locked.seconds)}) from locked
        if found is None:
            raise _refused(401, ["body"], "no account with that name and password",
                           "wrong_login")
        return {"token": new_token(books, found), "name": found.name, "role": found.role,
                "place": found.place}

    @app.post("/api/logout", tags=["accounts"], status_code=204, responses=_may_refuse())
    def logout(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                      Depends(_bearer)], _user: User) -> Response:
        assert credentials is not None  # checked by _user
        drop_token(books, credentials.credentials)
        known.pop(credentials.credentials, None)
        return Response(status_code=204)

    @app.get("/api/me", tags=["accounts"], responses=_may_refuse())
    def me(user: User) -> dict[str, Any]:
        return {"name": user.name, "role": user.role, "place": user.place}

    @app.get("/api/accounts", tags=["accounts"], responses=_may_refuse(403))
    def list_accounts(_user: Council) -> list[dict[str, Any]]:
        return [{"name": a.name, "role": a.role, "place": a.place} for a in accounts(books)]

    @app.post("/api/accounts", status_code=201, tags=["accounts"],
              responses=_may_refuse(*_BODY, 403, 409))
    def create_account(body: NewAccount, _user: Council) -> dict[str, Any]:
        known.clear()
        # (an AccountError is an EntryError: said at its fields, as an entry's problems are)
        made = add_account(books, body.name, body.password, body.role, body.place)
        return {"name": made.name, "role": made.role, "place": made.place}

    @app.get("/api/scenario", tags=["scenario"], responses=_may_refuse())
    def scenario(_user: User) -> dict[str, Any]:
        sc, ix = books.scenario, books.index
        return {
            "name": sc.name, "title": sc.title, "start_date": sc.start_date.isoformat(),
            "end_date": sc.end_date.isoformat(), "today": views.today().isoformat(),
            "places": [{"id": p.id, "name": p.name or p.id, "kind": p.kind, "lat": p.lat,
                        "lon": p.lon} for p in sc.places],
            # (repair_crew: the persons kept on the route, who eat at its 'from' from the
            # stock there: the dashboard's chart of a route says their food is not in it)
            "routes": [{"id": rid, "name": ix.route_name(rid), "from": r.from_, "to": r.to,
                        "modes": r.modes, "repair_crew": r.repair_crew}
                       for rid, r in ix.routes.items()],
            # Where a convoy of each mode may go from each place, by one route (the books'
            # own rule, Index.places_next): the record form's "To" starts there.
            "next_places": {m.id: {p.id: ix.places_next(p.id, m.id) for p in sc.places}
                            for m in sc.modes},
            "goods": [{"id": c.id, "name": c.name or c.id} for c in sc.commodities
                      if c.id in ix.goods],
            "modes": [{"id": m.id, "name": m.name or m.id, "units_from": m.units_from,
                       "payload_kg": m.payload_kg} for m in sc.modes],
        }

    Filters = dict[str, Any]

    def filter_problems(place: str | None, since: dt.date | None, until: dt.date | None
                        ) -> list[dict[str, Any]]:
        """What the scenario says against the filters of the entries' list, each in the
        form of a refusal's detail."""
        out = []
        # Whose books: a place's, or a route's (its reports). A mistyped one would read as
        # "no entries".
        known = [*books.index.places, *books.index.routes]
        if place is not None and place not in known:
            # (a route by its ends is said with its id, not the id spelt most like them)
            between = routes_by_ends(books.index, place)
            hint = f" ({between})" if between else did_you_mean(place, known)
            out.append(_said(["query", "place"], f"expected the id of a place or a route of "
                                                 f"the scenario{hint}, got {place!r}"))
        if since is not None and until is not None and since > until:
            out.append(_said(["query", "until"],
                             f"expected a day on or after since ({since}), got {until}"))
        return out

    def filters(kind: Kind | None = None, place: Annotated[str | None, Query(max_length=200)]
                = None, since: Date | None = None, until: Date | None = None,
                effective: bool = False) -> Filters:
        # (checked against the scenario by the path, once its own parameters are read: a
        # refusal here would hide a bad limit; where one is bad, the refusal says both)
        return {"kind": kind, "place": place, "since": since, "until": until,
                "effective": effective}

    def checked(f: Filters) -> Filters:
        problems = filter_problems(f["place"], f["since"], f["until"])
        if problems:
            raise HTTPException(422, problems)
        return f

    @app.get("/api/entries", tags=["entries"], responses={**_may_refuse(), 200: {
        "description": "the entries of the page, in the order asked",
        "headers": {
            "X-Total-Count": {"description": "how many entries match the filters, all "
                                             "pages together",
                              "schema": {"type": "integer"}},
            "Link": {"description": "where more entries match than this page and those "
                                    "before it hold: the next page, as "
                                    '``</api/entries?...&offset=N>; rel="next"``',
                     "schema": {"type": "string"}}}}})
    def list_entries(request: Request, response: Response, _user: User,
                     f: Annotated[Filters, Depends(filters)],
                     limit: Annotated[int, Query(ge=1, le=10_000, description=(
                         "at most this many entries (1,000 unless given)"))] = 1000,
                     offset: Annotated[int, Query(ge=0, le=2**31, description=(
                         "leave out this many first"))] = 0,
                     newest: Annotated[bool, Query(description=(
                         "newest first (by default, oldest first: in the order written)"))]
                     = False) -> list[dict[str, Any]]:
        """The entries that match the filters, a page at a time: at most ``limit`` (1,000
        unless given) from ``offset`` on, oldest first unless ``newest``. How many match in
        all is the ``X-Total-Count`` header; where more follow, the ``Link`` header gives
        the next page (``rel="next"``)."""
        f = checked(f)
        rows = books.entries(limit=limit, offset=offset, newest=newest, **f)
        total = books.count(**f)
        response.headers["X-Total-Count"] = str(total)
        if offset + len(rows) < total:
            following = request.url.include_query_params(offset=offset + len(rows),
                                                         limit=limit)
            response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
        return [r.to_json() for r in rows]

    @app.get("/api/entries.csv", tags=["entries"], response_class=Response,
             responses=_may_refuse())
    def entries_csv(_user: User, f: Annotated[Filters, Depends(filters)]) -> Response:
        f = checked(f)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "kind", "date", "place", "corrects", "author", "written_at",
                         "entry", "corrected_by", "cancelled_by", "warnings"])
        for r in books.entries(**f):
            j = r.to_json()
            writer.writerow([j["id"], j["kind"], j["date"], j["place"], j["corrects"] or "",
                             j["author"], j["written_at"], _compact(j["entry"]),
                             j["corrected_by"] or "", j["cancelled_by"] or "",
                             " | ".join(f"{w.field}: {w.message}" for w in r.warnings)])
        return Response(out.getvalue(), media_type="text/csv",
                        headers={"Content-Disposition": "attachment; filename=entries.csv"})

    async def write(entries: list[Entry], user: Account, key: str | None,
                    numbered: bool = False) -> list[dict[str, Any]]:
        """Entries written by the books' writer (one transaction for the entries that
        arrive meanwhile), answered once committed, each with what the scenario says
        against it (``warnings``, said as errors are: ``loc``, ``msg``, ``type``); sent
        again with the same ``key``, answered as the first time and not written again."""
        if user.role == "viewer":
            raise EntryError("kind", "a viewer may not write", 403)
        written = await asyncio.wrap_future(
            books.submit(entries, user.name, lambda e, p: may_write(user, e, p), numbered,
                         key))
        return [r.to_json() for r in written]

    def created(content: Any) -> Response:
        return Response(json.dumps(content), status_code=201, media_type="application/json")

    @app.post("/api/entries", status_code=201, tags=["entries"],
              response_model=dict[str, Any], responses=_may_refuse(*_BODY, 403, 409))
    async def write_entry(entry: Annotated[Entry, Body()], user: User,
                          idempotency_key: RequestKey = None) -> Response:
        return created((await write([entry], user, idempotency_key))[0])

    @app.post("/api/entries/batch", status_code=201, tags=["entries"],
              response_model=list[dict[str, Any]], responses=_may_refuse(*_BODY, 403, 409))
    async def write_batch(entries: Annotated[list[Entry], Body(min_length=1, max_length=1000)],
                          user: User, idempotency_key: RequestKey = None) -> Response:
        return created(await write(entries, user, idempotency_key, numbered=True))

    @app.get("/api/state", tags=["state"], responses=_may_refuse())
    def state(_user: User, as_of: Date | None = None) -> dict[str, Any]:
        day = _in_horizon(as_of or views.today(), "as_of")
        return state_json(recorded_state(books, views.network, day), views.network)

    @app.get("/api/overview", tags=["state"], responses=_may_refuse())
    def overview(_user: User, as_of: Date | None = None) -> dict[str, Any]:
        return views.overview(None if as_of is None else _in_horizon(as_of, "as_of"))

    @app.get("/api/plan-vs-actual", tags=["plans"], responses=_may_refuse())
    def compared(_user: User, until: Date | None = None) -> list[dict[str, Any]]:
        force, earlier = plans_in_force(books)
        return plan_vs_actual(books, force,
                              None if until is None else _in_horizon(until, "until"), earlier)

    @app.get("/api/plans", tags=["plans"], responses=_may_refuse())
    def plans(_user: User) -> list[dict[str, Any]]:
        return books.plans()

    @app.post("/api/plans", status_code=201, tags=["plans"], dependencies=[Depends(_no_body)],
              response_model=dict[str, Any], responses=_may_refuse(*_BODY, 403, 409))
    def make_plan(user: Council, idempotency_key: RequestKey = None) -> Response:
        from supplyline.plan import plan

        request = _plan_request(idempotency_key, "POST /api/plans")
        with planning, _no_plan(["body"]):
            if request is not None and (
                    first := books.answer_of(user.name, *request)) is not None:
                return created(first)  # sent again: answered as the first time
            result = plan(books.scenario)
            figures = figures_of(result)
            answer = books.save_plans(
                [figures], user.name, lambda ids: {"id": ids[-1], "status": result.status,
                                                   "kpis": _kpis(result)}, request)
        return created(answer)

    @app.get("/api/replan", tags=["plans"], responses=_may_refuse())
    def replan_kept(_user: User) -> dict[str, Any] | None:
        """The re-plan in force, as it was answered when it was made (its ``id``,
        ``as_of``, ``status``, ``in_force``: the plan it was compared with, ``changes``,
        and ``outcome``: what it gives the fronts, in words); ``null`` where the plan in
        force is none, or one from the scenario's start."""
        return replan_in_force(books)

    @app.post("/api/replan", tags=["plans"], responses=_may_refuse(*_BODY, 403, 409))
    def make_replan(body: ReplanRequest, user: Council,
                    idempotency_key: RequestKey = None) -> dict[str, Any]:
        if (outside := as_of_refused(books.scenario, body.as_of)) is not None:
            raise EntryError("as_of", outside)
        request = _plan_request(idempotency_key, "POST /api/replan", body.as_of.isoformat(),
                                body.keep)
        with planning, _no_plan(["body", "as_of"]):
            if request is not None and (
                    first := books.answer_of(user.name, *request)) is not None:
                return first  # sent again: answered as the first time, nothing planned
            if (refused := entries_left_out(books, body.as_of)) is not None:
                raise _refused(409, ["body", "as_of"], refused, "conflict")
            # The plan from the scenario's start, where none is in force, is kept with the
            # re-plan (in one transaction, with the request's key).
            in_force, compared = in_force_or_first(books, False, user.name)
            try:  # (an entry written meanwhile, by a clerk, is refused alike)
                done = replan(books, body.as_of, in_force=compared)
            except ReplanRefused as error:
                raise _refused(409, ["body", "as_of"], str(error), "conflict") from None

            def answer(ids: list[int]) -> dict[str, Any]:
                return {"id": ids[-1] if body.keep else None,
                        "in_force": ids[0] if in_force is None and body.keep else in_force,
                        "status": done.plan.status, "kpis": _kpis(done.plan),
                        "changes": compare_plans(compared, done.figures),
                        "outcome": done.figures["outcome"],
                        "state": state_json(done.state, done.plan.network)}

            if not body.keep:  # a dry run writes nothing (its key keeps nothing either)
                return answer([])
            kept = [compared, done.figures] if in_force is None else [done.figures]
            return books.save_plans(kept, user.name, answer, request)

    def _in_horizon(day: dt.date, field: str) -> dt.date:
        """``day`` (a query parameter) if it is inside the horizon; 422 otherwise."""
        sc = books.scenario
        if (message := outside_horizon(day, sc.start_date, sc.end_date)) is not None:
            raise _refused(422, ["query", field], message)
        return day

    static = files("supplyline.ops").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> HTMLResponse:
        return HTMLResponse(static.joinpath("index.html").read_text(encoding="utf-8"))

    return app


def _plan_request(key: str | None, *request: Any) -> tuple[str, str] | None:
    """A request that writes plans, sent with ``key``: the key and the request's digest
    (what :meth:`Books.answer_of` knows it again by), or ``None`` without a key."""
    if key is None:
        return None
    return key, hashlib.sha256(json.dumps(["plans", *request]).encode()).hexdigest()


async def _no_body(request: Request) -> None:
    """Refuse a body where the route reads none (``POST /api/plans`` with ``{"as_of": ...}``
    made a plan from the scenario's start, and put it in force): 422 at the body."""
    body = await request.body()
    if body.strip():
        shown = body[:60].decode("utf-8", "replace") + ("..." if len(body) > 60 else "")
        raise HTTPException(422, [_said(["body"], f"expected no body (this request reads "
                                                  f"none), got {shown!r}", "extra_forbidden")])


@contextlib.contextmanager
def _no_plan(loc: list[str | int]) -> Iterator[None]:
    """A plan that cannot be made (:class:`~supplyline.errors.PlanError`: the books or the
    scenario admit none, or the optimizer stopped) refused as 409 at ``loc``, said as every
    other refusal is, not a bare 500."""
    try:
        yield
    except PlanError as error:
        raise _refused(409, loc, f"no plan could be made: {error}", "conflict") from error


async def _known_query(request: Request) -> None:
    """Refuse a query parameter the route does not read (``?lmit=1`` returned every entry),
    or one given twice (``?kind=a&kind=b`` kept the last): 422 at the parameter, with every
    other problem of the request (:func:`_other_problems`: a bad value of a parameter it
    reads had been hidden behind it). (On the event loop: a plain function would cost every
    request a hop to a worker thread.)"""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not getattr(route, "include_in_schema", True):
        return  # (the dashboard's page takes what a browser adds: ?utm=...)
    known: frozenset[str] | None = getattr(route, "query_names", None)
    if known is None:  # worked out once, kept with the route
        known = frozenset(_query_names(dependant))
        route.query_names = known  # type: ignore[union-attr]
    problems = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in known:
            read = ", ".join(sorted(known)) or "none"
            problems.append(_said(["query", name], f"expected a parameter this path reads "
                                                   f"({read}){did_you_mean(name, known)}, "
                                                   f"got {name!r}",
                                  "extra_forbidden"))
        elif len(values := request.query_params.getlist(name)) > 1:
            problems.append(_said(["query", name], f"expected one value, got {len(values)}: "
                                                   + ", ".join(repr(v) for v in values)))
    if problems:
        # Said with the request's other problems, by the handler of those (which adds what
        # the scenario says against them): this refusal first.
        request.state.query_problems = problems
        errors, body = await _other_problems(request, route, dependant)
        raise RequestValidationError(errors, body=body)


async def _other_problems(request: Request, route: Any, dependant: Any
                          ) -> tuple[list[Any], Any]:
    """What FastAPI would refuse in a request's query, headers and body (the errors, and
    the body as read), checked here where a query parameter the route does not read stops
    it before it checks them itself."""
    from fastapi.dependencies.utils import request_body_to_args, request_params_to_args

    errors: list[Any] = []
    for fields, given in ((_params(dependant, "query_params"), request.query_params),
                          (_params(dependant, "header_params"), request.headers)):
        errors += request_params_to_args(fields, given)[1]
    body: Any = None
    if dependant.body_params:
        raw = await request.body()
        try:
            body = _read_json(raw) if raw else None
        except ValueError:  # (not JSON: said by the body's own checks once this is mended)
            return errors, None
        errors += (await request_body_to_args(
            body_fields=dependant.body_params, received_body=body,
            embed_body_fields=bool(getattr(route, "_embed_body_fields", False))))[1]
    return errors, body


def _params(dependant: Any, kind: str) -> list[Any]:
    """The parameters of a kind (``query_params``, ``header_params``) that a route's
    function and its dependencies read, each once."""
    out = {field.alias: field for field in getattr(dependant, kind)}
    for inner in dependant.dependencies:
        for field in _params(inner, kind):
            out.setdefault(field.alias, field)
    return list(out.values())


def _query_names(dependant: Any) -> set[str]:
    """The query parameters a route's function and its dependencies read."""
    names = {field.alias for field in dependant.query_params}
    for inner in dependant.dependencies:
        names |= _query_names(inner)
    return names


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def _kpis(result: Any) -> dict[str, Any]:
    kpis: dict[str, Any] = json.loads(json.dumps(result.kpis(), default=str))
    return kpis


def app_from_environment() -> FastAPI:
    """The app over the books named by ``SUPPLYLINE_BOOKS`` (URL) and
    ``SUPPLYLINE_BOOKS_SCENARIO`` (how ``supplyline serve`` starts several processes)."""
    from supplyline.ops.db import open_books
    from supplyline.scenario.load import load

    source = os.environ["SUPPLYLINE_BOOKS_SCENARIO"]
    return create_app(open_books(os.environ["SUPPLYLINE_BOOKS"], load(source), source))
