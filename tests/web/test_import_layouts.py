"""The import preview for files that are not a plain table with a header: no header row,
the person correcting the header choice, and every line accounted for on the page."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user
from tests.web.test_import_pages import _confirm, _flash, _form_fields, _rows, _upload

HEADERLESS = b"2026-01-02,-4.50,Coffee\n2026-01-03,2450.00,Salary ACME\n2026-01-05,-61.07,Tesco\n"


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _counts(html: str) -> str:
    found = re.search(r'data-testid="line-count">(.*?)</p>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else ""


def test_a_header_less_file_imports_every_row_with_columns_named_by_position(
    session, signed_in, alex
):
    html = _upload(signed_in, "bank.csv", HEADERLESS).get_data(as_text=True)
    assert _counts(html) == (
        "Read 3 data lines (the file has no line of column names): 3 become transactions."
    )
    fields = _form_fields(html)
    assert "has_header" not in fields  # the box is unticked
    assert (fields["col_date"], fields["col_amount"], fields["col_description"]) == (
        "Column 1",
        "Column 2",
        "Column 3",
    )
    assert '<option value="Column 3">Column 3</option>' in html
    assert _confirm(signed_in, html).status_code == 302
    assert [(r.description, str(r.amount)) for r in _rows(session, alex)] == [
        ("Coffee", "-4.50"),
        ("Salary ACME", "2450.00"),
        ("Tesco", "-61.07"),
    ]


def test_ticking_the_header_box_renames_the_columns_and_counts_one_line_fewer(
    session, signed_in, alex
):
    html = _upload(signed_in, "bank.csv", HEADERLESS).get_data(as_text=True)
    ticked = signed_in.post(
        "/imports/preview", data=_form_fields(html) | {"has_header": "y", "refresh": "x"}
    )
    page = ticked.get_data(as_text=True)
    # The first transaction now names the columns: the page says so before anything is lost.
    assert "Now: line 1 names the columns." in page
    assert "2 data lines below the column names on line 1" in page
    assert 'value="2026-01-02"' in page  # a column called by the first row's date
    assert _rows(session, alex) == []

    # Unticking it again brings the three rows back.
    unticked = {k: v for k, v in _form_fields(page).items() if k != "has_header"}
    back = signed_in.post("/imports/preview", data=unticked | {"refresh": "x"})
    back = back.get_data(as_text=True)
    assert _counts(back).startswith("Read 3 data lines (the file has no line of column names)")


def test_a_file_with_a_header_shows_the_line_holding_the_names(signed_in):
    data = b"Account,Joint\n\nDate,Description,Amount\n2026-01-02,Coffee,-4.50\n"
    html = _upload(signed_in, "bank.csv", data).get_data(as_text=True)
    assert _counts(html) == (
        "Read 1 data line below the column names on line 3: 1 becomes a transaction."
    )
    assert "1 line above the table left out (account details)" in html
    assert "Line 1: <code>Account,Joint</code>" in html


def test_three_bad_lines_are_listed_and_the_import_lists_what_it_skipped(session, signed_in, alex):
    data = (
        b"Date,Description,Amount\n2026-02-01,Rent,-1200.00\n2026-02-30,Gym,-35.00\n"
        b"2026-02-03,Food,-82.14\n2026-02-04,Refund,twelve\n2026-02-05,Pay,3100.00\n"
        b"31/02/2026,Books,-19.99\n"
    )
    html = _upload(signed_in, "feb.csv", data).get_data(as_text=True)
    assert _counts(html) == (
        "Read 6 data lines below the column names on line 1: "
        "3 become transactions, 3 cannot be read."
    )
    listed = html[html.index('data-testid="bad-lines"') :]
    assert re.findall(r'data-line="(\d+)"', listed) == ["3", "5", "7"]
    assert "is not a real date (February 2026 has 28 days)" in listed
    assert 'value="Import 3 transactions and skip 3 bad lines"' in html

    done = signed_in.post("/imports/preview", data=_form_fields(html) | {"confirm_skipping": "x"})
    assert done.status_code == 302
    assert [str(r.amount) for r in _rows(session, alex)] == ["-1200.00", "-82.14", "3100.00"]
    batches = _flash(signed_in)
    assert "3 lines could not be read and were left out" in batches
    assert "Line 5 (Amount): &#39;twelve&#39; is not an amount" in batches
