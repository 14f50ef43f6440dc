"""The old desktop file over the API: upload and its dry run, the list, one report, apply
once, another person's uploads unseen, a bad file refused with nothing kept."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from tests.conftest import api_user
from tests.legacy_sample import make_old_file


@pytest.fixture(scope="module")
def old_file(tmp_path_factory) -> tuple[bytes, dict]:
    return make_old_file(tmp_path_factory.mktemp("legacy"))


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


def _upload(client, headers, content: bytes, name: str = "personal_finance.db"):
    data = {"file": (io.BytesIO(content), name)}
    return client.post(
        "/api/v1/legacy-uploads", headers=headers, data=data, content_type="multipart/form-data"
    )


def _transactions(client, headers) -> list:
    return client.get("/api/v1/transactions", headers=headers).get_json()["items"]


def test_upload_reports_the_dry_run_then_apply_brings_it_in(client, alex, old_file):
    data, manifest = old_file

    uploaded = _upload(client, alex, data)

    assert uploaded.status_code == 201
    upload = uploaded.get_json()
    report = upload["dry_run_report"]
    assert (upload["filename"], upload["size"], upload["applied_at"]) == (
        "personal_finance.db",
        len(data),
        None,
    )
    assert report["dry_run"] is True and report["sums_match"] is True
    assert report["counts"]["transactions"]["read"] == manifest["counts"]["transactions"]
    assert upload["transactions_to_write"] == report["counts"]["transactions"]["written"]
    # Money is exact text; the dirty rows the old file holds are named.
    expected_income = Decimal(manifest["parseable_amount_sum"]["income"])
    assert Decimal(report["income_before"]) == expected_income
    assert {p["action"] for p in report["problems"]} <= {"skipped", "flagged"}
    assert report["problems"]
    assert upload["applied_report"] is None
    assert _transactions(client, alex) == []

    listed = client.get("/api/v1/legacy-uploads", headers=alex).get_json()
    assert [u["id"] for u in listed] == [upload["id"]]
    one = client.get(f"/api/v1/legacy-uploads/{upload['id']}", headers=alex).get_json()
    assert one == upload

    applied = client.post(f"/api/v1/legacy-uploads/{upload['id']}/apply", headers=alex)

    assert applied.status_code == 200
    done = applied.get_json()
    assert done["applied_at"] is not None
    assert done["applied_report"]["dry_run"] is False
    assert (
        done["applied_report"]["counts"]["transactions"]["written"]
        == (upload["transactions_to_write"])
    )
    assert done["dry_run_report"] == report  # the dry run stays readable
    assert _transactions(client, alex)


def test_applying_twice_is_refused_and_adds_nothing(client, alex, old_file):
    upload_id = _upload(client, alex, old_file[0]).get_json()["id"]
    first = client.post(f"/api/v1/legacy-uploads/{upload_id}/apply", headers=alex).get_json()

    again = client.post(f"/api/v1/legacy-uploads/{upload_id}/apply", headers=alex)

    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "already_applied"
    assert "already brought in" in error["message"]
    still = client.get(f"/api/v1/legacy-uploads/{upload_id}", headers=alex).get_json()
    assert still["applied_report"] == first["applied_report"]


def test_another_persons_upload_is_not_found(session, client, alex, old_file):
    upload_id = _upload(client, alex, old_file[0]).get_json()["id"]
    sam = api_user(session, client, "sam")

    for answer in (
        client.get(f"/api/v1/legacy-uploads/{upload_id}", headers=sam),
        client.post(f"/api/v1/legacy-uploads/{upload_id}/apply", headers=sam),
    ):
        assert answer.status_code == 404
        assert answer.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/legacy-uploads", headers=sam).get_json() == []
    assert _transactions(client, sam) == []
    mine = client.get(f"/api/v1/legacy-uploads/{upload_id}", headers=alex).get_json()
    assert mine["applied_at"] is None


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "empty"),
        (b"Date,Description,Amount\n2026-10-01,SALARY,2450.00\n", "SQLite"),
    ],
)
def test_a_bad_file_is_refused_naming_why_and_nothing_is_kept(client, alex, content, why):
    refused = _upload(client, alex, content, "statement.csv")

    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert set(error["fields"]) == {"file"}
    assert why.lower() in error["fields"]["file"].lower()
    assert client.get("/api/v1/legacy-uploads", headers=alex).get_json() == []


def test_an_upload_without_a_file_is_refused(client, alex):
    refused = client.post(
        "/api/v1/legacy-uploads", headers=alex, data={}, content_type="multipart/form-data"
    )

    assert refused.status_code == 422
    assert "file" in refused.get_json()["error"]["fields"]


def test_the_endpoints_and_the_report_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/legacy-uploads"])
    assert "409" in paths["/api/v1/legacy-uploads/{upload_id}/apply"]["post"]["responses"]
    upload = paths["/api/v1/legacy-uploads"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    schemas = spec["components"]["schemas"]
    report = schemas["MigrationReport"]["properties"]
    assert {"counts", "problems", "income_before", "sums_match"} <= set(report)
    applied = schemas["LegacyUpload"]["properties"]["applied_report"]
    assert {"$ref": "#/components/schemas/MigrationReport"} in applied["anyOf"]
    data_step = paths["/api/v1/onboarding/data"]
    assert {"get", "put"} <= set(data_step)
