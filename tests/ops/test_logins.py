"""Too many wrong passwords in a row lock an account for a while (429, with Retry-After;
not even the right password opens it meanwhile); other accounts are not touched; a login
that succeeds, or a new password, starts the count again. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from supplyline.ops import Books, accounts
from supplyline.ops.accounts import LOCK_SECONDS, MAX_FAILED, add_account
from supplyline.ops.api import create_app


def test_an_account_is_locked_after_too_many_wrong_passwords(
        books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    add_account(books, "clerk", "clerk-password", "commune", "high-village")
    add_account(books, "other", "other-password", "viewer")
    client = TestClient(create_app(books))
    now = [dt.datetime(2024, 11, 1, 8, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr(accounts, "now", lambda: now[0])

    def login(name: str, password: str) -> int:
        return client.post("/api/login", json={"name": name, "password": password}
                           ).status_code

    for _ in range(MAX_FAILED - 1):
        assert login("clerk", "wrong") == 401
    assert login("clerk", "clerk-password") == 200  # in time: the count starts again
    for _ in range(MAX_FAILED):
        assert login("clerk", "wrong") == 401
    locked = client.post("/api/login", json={"name": "clerk", "password": "clerk-password"})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == LOCK_SECONDS
    (problem,) = locked.json()["detail"]  # as every refusal is said
    assert problem["loc"] == ["body", "name"] and "too many wrong passwords" in problem["msg"]
    assert login("other", "other-password") == 200  # another account is not locked
    assert login("nobody", "wrong") == 401  # a name with no account: no lock to keep

    now[0] += dt.timedelta(seconds=LOCK_SECONDS - 10)
    assert client.post("/api/login", json={"name": "clerk", "password": "x"}
                       ).headers["Retry-After"] == "10"
    now[0] += dt.timedelta(seconds=11)
    assert login("clerk", "clerk-password") == 200  # open again

    for _ in range(MAX_FAILED):
        assert login("clerk", "wrong") == 401
    assert login("clerk", "clerk-password") == 429
    add_account(books, "clerk", "a-new-password", "commune", "high-village", replace=True)
    assert login("clerk", "a-new-password") == 200  # a new password opens it


@pytest.mark.parametrize(("name", "password", "field", "says"), [
    ("high ", "high-password", "name", "without spaces at its ends"),
    ("   ", "high-password", "name", "without spaces at its ends"),
    ("hi\tgh", "high-password", "name", "unseen characters"),
    ("high", " " * 8, "password", "not only spaces"),
])
def test_a_name_or_password_that_reads_as_another_is_refused(
        books: Books, name: str, password: str, field: str, says: str) -> None:
    """'high ' beside 'high' read as two rows of the same name, '   ' as none."""
    before = accounts.accounts(books)
    with pytest.raises(accounts.AccountError) as caught:
        add_account(books, name, password, "viewer")
    assert caught.value.field == field and says in caught.value.message
    assert accounts.accounts(books) == before


def test_every_problem_of_an_account_is_said_at_once(books: Books) -> None:
    """add_account stopped at the first problem, and said a missing place as None."""
    with pytest.raises(accounts.AccountError) as caught:
        add_account(books, "bad1", "x", "commune", "ridge-depot")
    assert caught.value.problems == [
        ("password", "expected at least 8 characters, got 1"),
        ("place", "expected a locality for a commune clerk (far-village, high-village, "
                  "river-village, terrace-village), got 'ridge-depot'")]
    assert caught.value.status == 422
    with pytest.raises(accounts.AccountError) as caught:
        add_account(books, "bad1", "a long one here", "commune")
    assert caught.value.problems == [
        ("place", "expected a locality for a commune clerk (far-village, high-village, "
                  "river-village, terrace-village), got nothing")]
    with pytest.raises(accounts.AccountError) as caught:
        add_account(books, "bad1", "a long one here", "depot")
    assert caught.value.message.endswith("(bridge, district-hospital, kestrel-town, "
                                         "ridge-depot), got nothing")
    assert accounts.accounts(books) == []
    add_account(books, "bad1", "a long one here", "viewer")
    with pytest.raises(accounts.AccountError) as caught:
        add_account(books, "bad1", "a long one here", "viewer")
    assert caught.value.status == 409 and caught.value.field == "name"
