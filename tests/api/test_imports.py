"""Importing over the API: preview, commit, overlap, undo, profiles, bad files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import api_user

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


def _upload(client, headers, path, name, content: bytes, **options):
    """The file in a multipart body; mapping, account and profile in the query string."""
    data = {"file": (io.BytesIO(content), name)}
    return client.post(
        path, headers=headers, data=data, query_string=options, content_type="multipart/form-data"
    )


def _csv(rows):
    return ("Date,Description,Amount\n" + "\n".join(rows) + "\n").encode()


def test_preview_then_commit_then_overlap_then_undo(client, alex):
    first = _csv(["2024-03-05,PRET,-3.20", "2024-03-05,PRET,-3.20", "2024-03-06,Salary,100.00"])
    preview = _upload(client, alex, "/api/v1/imports/preview", "a.csv", first)
    assert preview.status_code == 200
    body = preview.get_json()
    assert (body["format"], body["new_count"], body["duplicate_count"]) == ("csv", 3, 0)
    assert body["mapping"]["amount"] == "Amount"
    assert (body["income"], body["spending"]) == ("100.00", "6.40")
    assert client.get("/api/v1/transactions", headers=alex).get_json()["items"] == []

    batch = _upload(client, alex, "/api/v1/imports", "a.csv", first).get_json()
    assert batch["row_count"] == 3
    overlap = _csv(["2024-03-06,Salary,100.00", "2024-03-07,Rent,-900.00"])
    second = _upload(client, alex, "/api/v1/imports", "b.csv", overlap).get_json()
    assert (second["row_count"], second["skipped_count"]) == (1, 1)

    undone = client.post(f"/api/v1/imports/{second['id']}/undo", headers=alex)
    assert undone.get_json() == {"changed": 1}
    listing = client.get("/api/v1/imports", headers=alex).get_json()
    assert [b["undone_at"] is not None for b in listing] == [True, False]
    found = client.get("/api/v1/transactions?search=rent", headers=alex).get_json()
    assert found["items"] == []


def test_an_explicit_mapping_and_a_saved_profile(client, alex):
    content = (DATA / "bank_mdy_ambiguous.csv").read_bytes()
    refused = _upload(client, alex, "/api/v1/imports/preview", "x.csv", content)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "choose_date_format"
    assert "day-first or month-first" in refused.get_json()["error"]["fields"]["mapping"]
    headers = content.decode().splitlines()[0].split(",")
    mapping = {
        "date": headers[0],
        "description": headers[1],
        "amount": headers[2],
        "date_format": "mdy",
    }
    done = _upload(
        client,
        alex,
        "/api/v1/imports",
        "x.csv",
        content,
        mapping=json.dumps(mapping),
        save_profile_as="My bank",
    )
    assert done.status_code == 201, done.get_json()
    profiles = client.get("/api/v1/import-profiles", headers=alex).get_json()
    assert [p["name"] for p in profiles] == ["My bank"]
    again = _upload(
        client, alex, "/api/v1/imports/preview", "x.csv", content, profile_id=str(profiles[0]["id"])
    )
    assert again.get_json()["duplicate_count"] == again.get_json()["row_count"]


def test_a_mapping_and_a_saved_profile_together_are_refused(client, alex):
    content = _csv(["2024-03-05,Coffee,-4.50"])
    mapping = {"date": "Date", "description": "Description", "amount": "Amount"}
    saved = client.post(
        "/api/v1/import-profiles", headers=alex, json={"name": "Bank", "mapping": mapping}
    ).get_json()
    both = _upload(
        client,
        alex,
        "/api/v1/imports",
        "a.csv",
        content,
        mapping=json.dumps(mapping),
        profile_id=str(saved["id"]),
    )
    assert both.status_code == 422 and "profile_id" in both.get_json()["error"]["fields"]
    assert client.get("/api/v1/imports", headers=alex).get_json() == []
    missing = _upload(client, alex, "/api/v1/imports", "a.csv", content, profile_id="999999")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("photo.png", (DATA / "bad_binary.png").read_bytes(), "unsupported file type"),
        ("bad.csv", (DATA / "bad_amount.csv").read_bytes(), "line"),
    ],
)
def test_bad_files_are_422_naming_the_problem(client, alex, name, content, message):
    response = _upload(client, alex, "/api/v1/imports", name, content)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"]["file"]
    assert client.get("/api/v1/imports", headers=alex).get_json() == []


def test_missing_file_or_bad_mapping_is_422(client, alex):
    no_file = client.post(
        "/api/v1/imports", headers=alex, data={}, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422 and "file" in no_file.get_json()["error"]["fields"]
    bad = _upload(
        client, alex, "/api/v1/imports", "a.csv", _csv(["2024-03-05,X,-1.00"]), mapping="{not json"
    )
    assert bad.status_code == 422


def test_an_upload_over_the_size_limit_is_413(client, alex):
    big = b"x" * (21 * 1024 * 1024)
    response = _upload(client, alex, "/api/v1/imports", "big.csv", big)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_the_whole_journey_with_ten_thousand_rows(client, alex):
    rows = [
        f"2023-{1 + n % 12:02d}-{1 + n % 28:02d},Shop {n},-{1 + n % 90}.{n % 100:02d}"
        for n in range(10_000)
    ]
    first = _csv(rows)
    preview = _upload(client, alex, "/api/v1/imports/preview", "year.csv", first).get_json()
    assert preview["new_count"] == 10_000
    assert preview["mapping"]["date"] == "Date" and preview["mapping"]["amount"] == "Amount"
    batch = _upload(client, alex, "/api/v1/imports", "year.csv", first).get_json()
    assert batch["row_count"] == 10_000

    overlapping = _csv([*rows[-500:], "2024-01-02,Shop 10000,-5.00", "2024-01-03,Rare find,-7.00"])
    second = _upload(client, alex, "/api/v1/imports", "year2.csv", overlapping).get_json()
    assert (second["row_count"], second["skipped_count"]) == (2, 500)

    found = client.get("/api/v1/transactions?search=rare find", headers=alex).get_json()
    assert [t["description"] for t in found["items"]] == ["Rare find"]
    client.post(f"/api/v1/imports/{second['id']}/undo", headers=alex)
    assert client.get("/api/v1/transactions?search=rare", headers=alex).get_json()["items"] == []
