"""The phone app's side of importing: building a CSV mapping from the preview answer alone,
and every bad line named at once with the choice to skip them."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from tests.conftest import api_user

# A bank export this app has never seen: no header row, semicolons, decimal commas, dates
# that read day-first and month-first, and a running balance beside the amount.
UNSEEN = (
    "01/03/2026;Miete Wohnung;-1.234,56;2.765,44\r\n"
    "02/03/2026;Bäckerei Müller;-4,80;2.760,64\r\n"
    "03/03/2026;Gehalt ACME;3.215,40;5.976,04\r\n"
    "04/03/2026;Stadtwerke;-86,00;5.890,04\r\n"
).encode("cp1252")


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


def _upload(client, headers, path, content: bytes, name="export.csv", **options):
    data = {"file": (io.BytesIO(content), name)}
    return client.post(
        path, headers=headers, data=data, query_string=options, content_type="multipart/form-data"
    )


def _person_picks(layout: dict) -> dict:
    """What a person does with the app's column picker, seeing only the preview answer:
    the amount is the column whose first row reads "-1.234,56" (the other one is the
    balance), and the statement is European, so dates are day first."""
    amount = layout["sample_rows"][0].index("-1.234,56")
    assert layout["date_format_candidates"] == ["dmy", "mdy"]
    assert "dmy" in layout["date_formats"]
    return {
        **layout["found"],
        "amount": layout["columns"][amount],
        "date_format": "dmy",
        "decimal_separator": layout["decimal_separator"],
        "has_header": layout["has_header"],
    }


def test_a_phone_maps_a_file_it_has_never_seen_from_the_preview_answer(client, alex):
    refused = _upload(client, alex, "/api/v1/imports/preview", UNSEEN)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "choose_columns"
    assert error["fields"]["mapping"] == (
        "choose which columns hold the amount, and how dates are written"
    )
    layout = error["csv"]
    assert (layout["encoding"], layout["delimiter"], layout["decimal_separator"]) == (
        "cp1252",
        ";",
        ",",
    )
    assert (layout["has_header"], layout["header_line"], layout["lines_read"]) == (False, None, 4)
    assert layout["columns"] == ["Column 1", "Column 2", "Column 3", "Column 4"]
    assert layout["sample_rows"][1] == ["02/03/2026", "Bäckerei Müller", "-4,80", "2.760,64"]
    assert layout["found"] == {"date": "Column 1", "description": "Column 2"}
    assert (layout["missing"], layout["needs"]) == (["amount"], "columns")
    assert {r["name"] for r in layout["roles"] if r["required"]} == {
        "date",
        "description",
        "amount",
    }

    mapping = json.dumps(_person_picks(layout))
    preview = _upload(client, alex, "/api/v1/imports/preview", UNSEEN, mapping=mapping)
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert (body["lines_read"], body["row_count"], body["bad_line_count"]) == (4, 4, 0)
    assert body["mapping"]["amount"] == "Column 3" and body["mapping"]["has_header"] is False

    done = _upload(
        client, alex, "/api/v1/imports", UNSEEN, mapping=mapping, save_profile_as="Sparkasse"
    )
    assert done.status_code == 201, done.get_json()
    items = client.get("/api/v1/transactions?sort=date_asc", headers=alex).get_json()["items"]
    assert [(t["date"], t["description"], t["amount"]) for t in items] == [
        ("2026-03-01", "Miete Wohnung", "-1234.56"),
        ("2026-03-02", "Bäckerei Müller", "-4.80"),
        ("2026-03-03", "Gehalt ACME", "3215.40"),
        ("2026-03-04", "Stadtwerke", "-86.00"),
    ]
    assert sum(Decimal(t["amount"]) for t in items) == Decimal("1890.04")

    # Next month the saved mapping reads the bank's file with no choice to make.
    (profile,) = client.get("/api/v1/import-profiles", headers=alex).get_json()
    april = UNSEEN.replace(b"/03/", b"/04/").replace(b"Miete", b"Miete April")
    again = _upload(client, alex, "/api/v1/imports", april, profile_id=profile["id"])
    assert (again.status_code, again.get_json()["row_count"]) == (201, 4)


def test_ambiguous_dates_ask_for_the_date_format_with_the_candidates(client, alex):
    data = b"Date,Description,Amount\n01/03/2026,Rent,-900.00\n02/03/2026,Cafe,-3.20\n"
    answer = _upload(client, alex, "/api/v1/imports/preview", data).get_json()["error"]
    assert answer["code"] == "choose_date_format"
    assert answer["csv"]["date_format_candidates"] == ["dmy", "mdy"]
    assert answer["csv"]["suggested"]["amount"] == "Amount"
    mapping = json.dumps(answer["csv"]["suggested"] | {"date_format": "mdy"})
    done = _upload(client, alex, "/api/v1/imports", data, mapping=mapping)
    assert done.status_code == 201
    items = client.get("/api/v1/transactions?sort=date_asc", headers=alex).get_json()["items"]
    assert [t["date"] for t in items] == ["2026-01-03", "2026-02-03"]


def test_a_mapping_naming_a_column_the_file_lacks_answers_with_the_columns(client, alex):
    data = b"Date,Description,Amount\n2026-03-01,Rent,-900.00\n"
    mapping = json.dumps({"date": "Datum", "description": "Description", "amount": "Amount"})
    refused = _upload(client, alex, "/api/v1/imports/preview", data, mapping=mapping)
    error = refused.get_json()["error"]
    assert (refused.status_code, error["code"]) == (422, "mapping_does_not_fit")
    assert error["fields"]["mapping"] == "the file has no column 'Datum'"
    assert error["csv"]["columns"] == ["Date", "Description", "Amount"]


BAD = b"""Date,Description,Amount
2026-02-01,Rent,-1200.00
2026-02-30,Gym,-35.00
2026-02-03,Groceries,-82.14
2026-02-04,Refund,twelve
2026-02-05,Salary,3100.00
2026-02-07,Books,
"""


def test_bad_lines_are_all_named_and_skipped_only_when_asked(client, alex):
    preview = _upload(client, alex, "/api/v1/imports/preview", BAD).get_json()
    assert (preview["lines_read"], preview["row_count"], preview["bad_line_count"]) == (6, 3, 3)
    assert [(b["line"], b["column"], b["value"]) for b in preview["bad_lines"]] == [
        (3, "Date", "2026-02-30"),
        (5, "Amount", "twelve"),
        (7, "Amount", ""),
    ]
    assert preview["bad_lines"][0]["reason"] == (
        "'2026-02-30' is not a real date (February 2026 has 28 days)"
    )

    refused = _upload(client, alex, "/api/v1/imports", BAD)
    error = refused.get_json()["error"]
    assert (refused.status_code, error["code"], error["bad_line_count"]) == (422, "bad_lines", 3)
    assert [line["line"] for line in error["lines"]] == [3, 5, 7]
    assert client.get("/api/v1/transactions", headers=alex).get_json()["items"] == []

    done = _upload(client, alex, "/api/v1/imports", BAD, skip_bad_lines="true")
    assert done.status_code == 201
    batch = done.get_json()
    assert batch["row_count"] == 3
    assert [s["line"] for s in batch["skipped_lines"]] == [3, 5, 7]
    (listed,) = client.get("/api/v1/imports", headers=alex).get_json()
    assert [s["reason"] for s in listed["skipped_lines"]][1] == "'twelve' is not an amount"
    items = client.get("/api/v1/transactions?sort=date_asc", headers=alex).get_json()["items"]
    assert [t["amount"] for t in items] == ["-1200.00", "-82.14", "3100.00"]


def test_the_openapi_document_describes_the_column_picker_and_skipping(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    preview = spec["paths"]["/api/v1/imports/preview"]["post"]
    refused = preview["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    error = spec["components"]["schemas"][refused.rsplit("/", 1)[1]]
    detail = spec["components"]["schemas"][error["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert {"code", "message", "csv", "lines", "bad_line_count"} <= detail["properties"].keys()
    layout = spec["components"]["schemas"]["CsvLayout"]["properties"]
    for key in ("columns", "sample_rows", "delimiter", "encoding", "decimal_separator"):
        assert key in layout
    assert "date_format_candidates" in layout and "needs" in layout
    commit = spec["paths"]["/api/v1/imports"]["post"]
    assert "skip_bad_lines" in {p["name"] for p in commit["parameters"]}


def test_more_bad_lines_than_can_be_skipped_are_not_offered_for_skipping(client, alex):
    data = b"Date,Description,Amount\n2026-02-01,Rent,-1200.00\n" + b"2026-02-02,Gym,x\n" * 101
    refused = _upload(client, alex, "/api/v1/imports", data).get_json()["error"]
    assert (refused["code"], refused["bad_line_count"], refused["can_skip"]) == (
        "bad_lines",
        101,
        False,
    )
    assert refused["fields"]["file"].endswith(
        "Too many to skip (at most 100): check the columns and formats"
    )
    # At the cap, skipping is offered, and taken.
    at_cap = data.replace(b"2026-02-02,Gym,x\n", b"", 1)
    offered = _upload(client, alex, "/api/v1/imports", at_cap).get_json()["error"]
    assert (offered["bad_line_count"], offered["can_skip"]) == (100, True)
    assert offered["fields"]["file"].endswith("or import the other rows and skip these lines")
    done = _upload(client, alex, "/api/v1/imports", at_cap, skip_bad_lines="true")
    assert (done.status_code, len(done.get_json()["skipped_lines"])) == (201, 100)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("{", "the mapping is not valid JSON"),
        ('["Date"]', "the mapping must be a JSON object"),
        (
            '{"date": "Date", "description": "Description", "amount": "Amount", '
            '"has_header": "yes"}',
            "the mapping profile's 'has_header' must be true, false or null",
        ),
    ],
)
def test_a_bad_mapping_is_named_as_the_mapping_not_the_file(client, alex, mapping, message):
    data = b"Date,Description,Amount\n2026-03-01,Rent,-900.00\n"
    for path in ("/api/v1/imports/preview", "/api/v1/imports"):
        refused = _upload(client, alex, path, data, mapping=mapping)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["fields"] == {"mapping": message}


def test_a_file_whose_columns_cannot_be_told_apart_says_so(client, alex):
    # Colons are no delimiter we read: the whole line is one column, and no picker can help.
    data = b"Date:Description:Amount\n2026-03-01:Rent:-900.00\n2026-03-02:Cafe:-3.20\n"
    refused = _upload(client, alex, "/api/v1/imports/preview", data)
    error = refused.get_json()["error"]
    assert (refused.status_code, error["code"]) == (422, "validation_error")
    assert error["fields"]["file"] == (
        "the file has a single column: its values must be separated by commas, "
        "semicolons, tabs or |"
    )
