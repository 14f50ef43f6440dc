"""The web toolkit every page area shares: form-encoded input, printable text, exact money
fields, menus of the ledger's categories and owners, service errors shown on the fields, and
the save-commit-redirect step."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from flask import flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, StringField, SubmitField
from wtforms.validators import ValidationError

from homeledger import tenancy
from homeledger.extensions import db
from homeledger.models.base import MAX_ID
from homeledger.models.categories import CATEGORY_TYPES
from homeledger.services import categories, importing, settings
from homeledger.services import errors as service_errors
from homeledger.services.periods import month_text
from homeledger.services.profile import CURRENCIES, MONTH_START_DAYS


class WebForm(FlaskForm):
    """A form that reads the submitted form fields and nothing else.

    Flask-WTF would also take a JSON body as form data, handing lists and
    objects to validators that expect text; a browser never sends JSON here.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if request.is_json:
                return None  # validated as an empty submission: "This field is required."
            return super().wrap_formdata(form, formdata)


# --- fields -------------------------------------------------------------------------------------


def stripped(text):
    """A field filter: typed text without the spaces around it."""
    return text.strip() if isinstance(text, str) else text


def printable(form, field) -> None:
    """Control characters (NUL, newlines) belong in no name or label."""
    if field.data and not field.data.isprintable():
        raise ValidationError("Contains characters that cannot be typed.")


def current_ledger() -> settings.LedgerSettings | None:
    """The signed-in ledger's settings, read once a request; None outside a ledger."""
    if not tenancy.has_ledger(db.session):
        return None
    if "ledger_settings" not in g:
        g.ledger_settings = settings.read(db.session)
    return g.ledger_settings


def parse_amount(text: str, decimal_separator: str = ".") -> Decimal:
    """An exact amount as a person types it ("-1,234.50", "-$1,234.50", "EUR 12,30",
    "1 234,50"), by the same reader as bank files; ValueError naming what is wrong.

    The separator the text shows wins; where it could be either ("1,234"), the
    ledger's ``decimal_separator`` decides. Only the writing is checked here;
    whether the ledger accepts the amount is the services' rule (``services.amounts``).
    """
    separator = importing.guess_decimal_separator(text) or decimal_separator
    return importing.parse_amount(text, separator)


class MoneyField(StringField):
    """A text input holding an amount; ``.data`` is a Decimal or None when left empty.

    ``positive``: the amount is never negative (a bill, a budget), so the example shown
    with a refusal has no minus sign.
    """

    def __init__(self, *args, positive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.positive = positive

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            ledger = current_ledger()
            separator = ledger.decimal_separator if ledger else "."
            try:
                self.data = parse_amount(self.raw, separator)
            except ValueError as exc:
                example = "-1.234,50" if separator == "," else "-1,234.50"
                example = example.lstrip("-") if self.positive else example
                raise ValueError(f"{sentence(str(exc))} Write it like {example}.") from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


# --- menus --------------------------------------------------------------------------------------


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


CATEGORY_TYPE_CHOICES = options((kind, kind.capitalize()) for kind in CATEGORY_TYPES)


def currency_choices(current: str) -> list[SelectChoice]:
    """The currency menu; a code the ledger holds but the list no longer offers stays
    choosable, so saving another field does not silently change it."""
    currencies = [(code, f"{code} — {name}") for code, name in CURRENCIES.items()]
    if current not in CURRENCIES:
        currencies.insert(0, (current, current))
    return options(currencies)


def month_start_day_choices() -> list[SelectChoice]:
    return options((str(day), str(day)) for day in MONTH_START_DAYS)


def day_number(text: str | None) -> object:
    """A chosen month start day as a number when it is one; anything else goes to the
    service as it came, which names the field."""
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 3 else text


def id_choices(items, blank: str | None = None, extra: tuple = ()) -> list[SelectChoice]:
    """Select options from objects with id and name; values are strings, "" means none."""
    pairs = [("", blank)] if blank is not None else []
    pairs += list(extra)
    pairs += [(str(item.id), item.name) for item in items]
    return options(pairs)


def active_choices(items, blank: str, keep: int | None = None) -> list[SelectChoice]:
    """Options of the active items, plus the one already chosen (``keep``) even if inactive,
    so editing an old row does not silently change it."""
    return id_choices([i for i in items if i.is_active or i.id == keep], blank)


class LedgerLists:
    """The ledger's categories (inactive ones too) and owners, read once a request, with
    their names by id: for menus and for naming a row's category and owner on a page."""

    def __init__(self) -> None:
        self.categories = categories.list_categories(db.session, include_inactive=True)
        self.owners = categories.list_owners(db.session)
        self.category_names = {c.id: c.name for c in self.categories}
        self.owner_names = {o.id: o.name for o in self.owners}


def category_owner_menus(form, lists: LedgerLists, row, no_category: str) -> None:
    """Fill a form's ``category`` and ``owner`` menus: the active items plus ``row``'s own
    (editing an old row does not silently change it), and on first showing, its choices."""
    if row is not None and not form.is_submitted():
        form.category.data = str(row.category_id or "")
        form.owner.data = str(row.owner_id or "")
    keep_category = row.category_id if row is not None else None
    form.category.choices = active_choices(lists.categories, no_category, keep=keep_category)
    keep_owner = row.owner_id if row is not None else None
    form.owner.choices = active_choices(lists.owners, "No owner", keep=keep_owner)


def optional_id(value: str | None) -> int | None:
    """A submitted id, or None when empty or not a plausible id (it then matches nothing)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


# --- keeping your place ---------------------------------------------------------------------------


def list_url_from(back: str | None, list_path: str) -> str:
    """``back`` when it is ``list_path`` with a query string (a filtered, paged list on this
    site), else ``list_path``: a form's Save and Cancel lead back to where the person was,
    and nowhere else (never another site)."""
    if back and (back == list_path or back.startswith(list_path + "?")) and "\\" not in back:
        # A line break would split the Location header: such an address is no place to go.
        return back if back.isprintable() else list_path
    return list_path


# --- answering ----------------------------------------------------------------------------------


def sentence(message: str) -> str:
    """A service's or a parser's message ("line 6: 'x' is not an amount") as a sentence."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def show_errors(form, exc: service_errors.ValidationError, renames: dict[str, str] | None = None):
    """Put a service's field errors on the form's fields; the rest become a flash."""
    renames = renames or {}
    for name, message in exc.fields.items():
        field = getattr(form, renames.get(name, name), None)
        if field is not None and hasattr(field, "errors") and name != "_":
            field.errors = [*field.errors, sentence(message)]
        else:
            flash(sentence(message), "error")


def attempt(form, change, done, page: str, renames: dict[str, str] | None = None):
    """Make the change a valid form asked for: commit, say what was done, go to ``page``.

    ``page`` is an endpoint, or a path on this site (a list to return to, from
    ``list_url_from``). ``done`` turns the change's result into the message. When the
    service refuses, roll back, mark the fields and return None, so the caller re-renders
    the form.
    """
    try:
        result = change()
    except service_errors.ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc, renames)
        return None
    db.session.commit()
    flash(done(result), "success")
    return redirect(page if page.startswith("/") else url_for(page))


def shown_status() -> int:
    """A page shown again after a post was refused answers 400; a page looked at, 200."""
    return 400 if request.method == "POST" else 200


def form_page(form, change, done, back: str, template: str, renames=None, **context):
    """A page that adds or changes one row: on a valid post, ``attempt`` the change and go
    ``back``; otherwise show ``template`` with the form (400 after a refused post)."""
    if form.validate_on_submit() and (saved := attempt(form, change, done, back, renames)):
        return saved
    return render_template(template, form=form, back=back, **context), shown_status()


class DeleteForm(WebForm):
    """A delete question page's answer, for ``confirmed``: the row it asked about, and how
    many rows it said would go with it (when it said so), and the button."""

    confirm = HiddenField()
    confirm_count = HiddenField()
    submit = SubmitField("Delete")


def confirmed(form, action: str = "delete", **answer: object) -> bool:
    """Whether a post carries the answer its question page showed: each hidden field of
    ``answer`` as given there (the row asked about, the count it said would go). A post
    without it is told to confirm first; the fields are set for the page to show."""
    if form.validate_on_submit():
        if all(getattr(form, name).data == str(value) for name, value in answer.items()):
            return True
        flash(f"Confirm the {action} on this page first.", "warning")
    for name, value in answer.items():
        getattr(form, name).data = str(value)
    return False


def flash_skipped_rules(skipped: Iterable, run: str) -> None:
    """Say which rules a run (an import, a rules run) left out, and why.

    ``skipped`` holds SkippedRule objects or their dicts (as a batch's summary keeps them).
    """
    for rule in skipped:
        name, reason = (
            (rule["name"], rule["reason"]) if isinstance(rule, dict) else (rule.name, rule.reason)
        )
        flash(f"The rule “{name}” was left out of {run}: {reason}.", "warning")


MONTH_HINT = "Choose a real month, written like 2026-08."


class MonthText(StringField):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends); ``.data`` is (year, month)."""

    widget_type = "month"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"type": "month", "placeholder": "YYYY-MM"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            try:
                parsed = datetime.strptime(self.raw, "%Y-%m")
            except ValueError:
                parsed = None
            if parsed is None or len(self.raw) != 7:
                shown = self.raw if len(self.raw) <= 20 else self.raw[:20] + "…"
                raise ValueError(f"“{shown}” is not a month. {MONTH_HINT}")
            self.data = (parsed.year, parsed.month)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else month_text(*self.data)
