"""The import pages: upload, preview and map, commit, re-import only new rows, undo."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import ImportBatch, ImportProfile, Transaction
from homeledger.services import imports
from tests.conftest import csrf_token_from
from tests.factories import make_user

DATA = Path(__file__).resolve().parents[1] / "data"
MARCH = b"""Date,Description,Amount
2024-03-01,SALARY ACME,2450.00
2024-03-02,TESCO STORES,-42.17
2024-03-04,THAMES WATER,-38.50
2024-03-05,TFL TRAVEL,-7.40
"""
# Overlaps MARCH on its last two rows and adds three new ones.
MARCH_LATER = b"""Date,Description,Amount
2024-03-04,THAMES WATER,-38.50
2024-03-05,TFL TRAVEL,-7.40
2024-03-07,REFUND ARGOS,15.00
2024-03-08,TESCO STORES,-12.00
2024-03-09,PRET,-4.10
"""


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _upload(client, name: str, data: bytes, **fields):
    token = csrf_token_from(client.get("/imports").get_data(as_text=True))
    form = {"file": (io.BytesIO(data), name), "csrf_token": token} | fields
    return client.post("/imports", data=form, content_type="multipart/form-data")


def _form_fields(html: str) -> dict[str, str]:
    """What a browser would send from the preview form: inputs and selected options."""
    form = html[html.index('id="import-form"') : html.index("</form>", html.index("import-form"))]
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
        if 'type="submit"' not in m.group(0)
        and not ('type="checkbox"' in m.group(0) and "checked" not in m.group(0))
    }
    for menu in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', menu.group(2))
        fields[menu.group(1)] = unescape(chosen.group(1)) if chosen else ""
    return fields


def _confirm(client, preview_html: str, **changes):
    return client.post(
        "/imports/preview", data=_form_fields(preview_html) | {"confirm": "x"} | changes
    )


def _rows(session, user) -> list[Transaction]:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(Transaction).order_by(Transaction.date, Transaction.id)))


def _flash(client, path: str = "/imports/batches") -> str:
    return client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/imports", "/imports/batches"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_upload_previews_with_the_guessed_mapping_and_writes_nothing(session, signed_in, alex):
    response = _upload(signed_in, "march.csv", MARCH, account="Joint")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="new-count">4<' in html and 'data-testid="duplicate-count">0<' in html
    fields = _form_fields(html)
    assert (fields["col_date"], fields["col_description"], fields["col_amount"]) == (
        "Date",
        "Description",
        "Amount",
    )
    assert fields["date_format"] == "iso" and fields["account"] == "Joint"
    assert "TESCO STORES" in html and "$2,450.00" in html
    assert _rows(session, alex) == []


def test_commit_then_reimport_an_overlapping_file_adds_only_new_rows(session, signed_in, alex):
    response = _confirm(signed_in, _upload(signed_in, "march.csv", MARCH).get_data(as_text=True))
    assert response.status_code == 302 and response.headers["Location"] == "/imports/batches"
    assert "Imported 4 transactions, skipped 0 duplicates." in _flash(signed_in)

    preview = _upload(signed_in, "later.csv", MARCH_LATER).get_data(as_text=True)
    assert 'data-testid="new-count">3<' in preview
    assert 'data-testid="duplicate-count">2<' in preview and "<mark>Duplicate</mark>" in preview
    assert _confirm(signed_in, preview).status_code == 302
    assert "Imported 3 transactions, skipped 2 duplicates." in _flash(signed_in)

    rows = _rows(session, alex)
    assert len(rows) == 7
    assert [r.amount for r in rows if r.description == "TESCO STORES"] == [
        Decimal("-42.17"),
        Decimal("-12.00"),
    ]


def test_undo_removes_the_batchs_rows_once(session, signed_in, alex):
    _confirm(signed_in, _upload(signed_in, "march.csv", MARCH).get_data(as_text=True))
    (batch_id,) = re.findall(r'href="/imports/batches/(\d+)/undo"', _flash(signed_in))
    html = signed_in.get(f"/imports/batches/{batch_id}/undo").get_data(as_text=True)
    assert "Delete <strong>4 transactions</strong> imported on" in html and "march.csv" in html
    token = csrf_token_from(html)
    confirmed = {"csrf_token": token, "confirm_count": "4"}
    response = signed_in.post(f"/imports/batches/{batch_id}/undo", data=confirmed)
    assert response.status_code == 302
    assert "Undone: removed 4 transactions." in _flash(signed_in)
    assert _rows(session, alex) == []

    again = signed_in.post(f"/imports/batches/{batch_id}/undo", data=confirmed)
    assert again.status_code == 400
    assert "Already undone" in again.get_data(as_text=True)


def test_another_ledgers_import_cannot_be_undone(session, signed_in, alex):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        batch_id = imports.commit(session, "sam.csv", MARCH).id
        session.commit()
    token = csrf_token_from(_flash(signed_in))
    response = signed_in.post(f"/imports/batches/{batch_id}/undo", data={"csrf_token": token})
    assert response.status_code == 404
    assert len(_rows(session, sam)) == 4
    with tenancy.acting_as(session, sam.id):
        assert session.get(ImportBatch, batch_id).undone_at is None


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.csv", b"", "The file is empty."),
        ("statement.csv", (DATA / "bad_binary.png").read_bytes(), "This is not a text file"),
        ("picture.png", (DATA / "bad_binary.png").read_bytes(), "Unsupported file type"),
        ("header.csv", b"Date,Description,Amount\n", "The file has no transactions."),
        ("broken.ofx", (DATA / "statement_truncated.ofx").read_bytes(), "Not a valid OFX file"),
    ],
)
def test_a_bad_file_goes_back_to_the_upload_form_with_the_problem(
    session, signed_in, alex, name, data, message
):
    response = _upload(signed_in, name, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in unescape(html) and 'enctype="multipart/form-data"' in html
    assert _rows(session, alex) == []


def test_no_file_is_a_400(signed_in):
    token = csrf_token_from(signed_in.get("/imports").get_data(as_text=True))
    response = signed_in.post("/imports", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_a_line_that_does_not_read_is_named_and_only_skipped_when_asked(session, signed_in, alex):
    response = _upload(signed_in, "bad.csv", (DATA / "bad_amount.csv").read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    bad_lines = html[html.index('data-testid="bad-lines"') :]
    assert "<strong>Line 6</strong> · Amount · <code>MCT</code>" in bad_lines
    assert "&#39;MCT&#39; is not an amount" in bad_lines
    assert 'value="Import 4 transactions and skip 1 bad line"' in html

    # The plain Import button is not on the page; sending it anyway imports nothing.
    bypass = _confirm(signed_in, html)
    assert bypass.status_code == 400
    assert "1 line cannot be imported (line 6, column &#39;Amount&#39;" in bypass.get_data(
        as_text=True
    )
    assert _rows(session, alex) == []

    done = signed_in.post("/imports/preview", data=_form_fields(html) | {"confirm_skipping": "x"})
    assert done.status_code == 302
    assert len(_rows(session, alex)) == 4
    page = _flash(signed_in)
    assert "Imported 4 transactions, skipped 0 duplicates and 1 unreadable line." in page
    assert "Line 6 (Amount): &#39;MCT&#39; is not an amount" in page


def test_ambiguous_dates_need_a_chosen_date_format(session, signed_in, alex):
    upload = _upload(signed_in, "us.csv", (DATA / "bank_mdy_ambiguous.csv").read_bytes())
    html = upload.get_data(as_text=True)
    assert upload.status_code == 200 and "choose the date format" in html
    assert _form_fields(html)["date_format"] == ""

    unchosen = _confirm(signed_in, html)
    assert unchosen.status_code == 400
    assert "Choose how this file writes its dates." in unchosen.get_data(as_text=True)
    assert _rows(session, alex) == []

    refreshed = signed_in.post(
        "/imports/preview", data=_form_fields(html) | {"date_format": "mdy", "refresh": "x"}
    )
    assert refreshed.status_code == 200
    assert _confirm(signed_in, refreshed.get_data(as_text=True)).status_code == 302
    assert [r.date.isoformat() for r in _rows(session, alex)][:2] == ["2024-03-01", "2024-03-04"]


def test_a_mapping_changed_after_the_preview_is_previewed_again_not_imported(
    session, signed_in, alex
):
    html = _upload(signed_in, "march.csv", MARCH).get_data(as_text=True)
    response = _confirm(signed_in, html, col_description="Date")
    assert response.status_code == 200
    assert "The mapping changed: check the preview, then import." in response.get_data(as_text=True)
    assert _rows(session, alex) == []


def test_a_bad_mapping_is_a_400_on_the_mapping_form(session, signed_in, alex):
    html = _upload(signed_in, "march.csv", MARCH).get_data(as_text=True)
    response = _confirm(signed_in, html, col_debit="Amount")
    assert response.status_code == 400
    assert "use one or the other" in response.get_data(as_text=True)
    assert _rows(session, alex) == []


def test_a_tampered_carried_file_is_refused(session, signed_in, alex):
    html = _upload(signed_in, "march.csv", MARCH).get_data(as_text=True)
    response = _confirm(signed_in, html, file_data="not base64 !!")
    assert response.status_code == 400
    assert "The file did not come through" in response.get_data(as_text=True)
    assert _rows(session, alex) == []


def test_save_the_mapping_as_a_profile_and_use_it_next_time(session, signed_in, alex):
    header = b"Buchungstag;Verwendungszweck;Betrag\n"
    html = _upload(signed_in, "bank.csv", header + b"13.03.2024;Miete;-1.200,00\n").get_data(
        as_text=True
    )
    assert _confirm(signed_in, html, profile_name="My bank").status_code == 302
    with tenancy.acting_as(session, alex.id):
        (profile,) = session.scalars(select(ImportProfile)).all()
        profile_id = profile.id
    assert "My bank" in signed_in.get("/imports").get_data(as_text=True)

    again = _upload(
        signed_in, "bank.csv", header + b"14.03.2024;Strom;-80,50\n", profile=str(profile_id)
    )
    assert again.status_code == 200
    assert _confirm(signed_in, again.get_data(as_text=True)).status_code == 302
    assert [r.amount for r in _rows(session, alex)] == [Decimal("-1200.00"), Decimal("-80.50")]


def test_a_profile_saved_without_the_header_choice_imports_with_one_click(session, signed_in, alex):
    # Saved over the API with has_header null (or before files without a header were
    # read): the file decides, and the preview shown is what the Import button imports.
    with tenancy.acting_as(session, alex.id):
        mapping = {"date": "Date", "description": "Description", "amount": "Amount"}
        profile = ImportProfile(name="Old bank", mapping=mapping)
        session.add(profile)
        session.commit()
        profile_id = profile.id
    html = _upload(signed_in, "bank.csv", MARCH, profile=str(profile_id))
    assert html.status_code == 200
    assert _confirm(signed_in, html.get_data(as_text=True)).status_code == 302
    assert "The mapping changed" not in _flash(signed_in)
    assert len(_rows(session, alex)) == 4


def test_an_ofx_statement_imports_without_a_mapping(session, signed_in, alex):
    html = _upload(signed_in, "statement.ofx", (DATA / "statement.ofx").read_bytes()).get_data(
        as_text=True
    )
    assert "OFX" in html and "col_date" not in html
    assert _confirm(signed_in, html).status_code == 302
    assert len(_rows(session, alex)) == 6


def test_a_file_larger_than_a_form_field_survives_preview_to_commit(session, signed_in, alex):
    lines = [f"2024-01-01,Row {i:06d} {'x' * 40},-1.00" for i in range(12_000)]
    data = ("Date,Description,Amount\n" + "\n".join(lines) + "\n").encode()
    assert len(data) > 600_000  # Werkzeug's default limit for one form field is 500 kB
    preview = _upload(signed_in, "big.csv", data).get_data(as_text=True)
    assert "The first 100 of 12000 rows." in preview
    assert _confirm(signed_in, preview).status_code == 302
    assert len(_rows(session, alex)) == 12_000


def test_every_element_id_on_the_import_pages_is_unique(signed_in):
    preview = _upload(signed_in, "march.csv", MARCH).get_data(as_text=True)
    _confirm(signed_in, preview)
    _confirm(signed_in, _upload(signed_in, "later.csv", MARCH_LATER).get_data(as_text=True))
    for html in (preview, _flash(signed_in)):
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids))
    assert 'id="col_date"' in preview
