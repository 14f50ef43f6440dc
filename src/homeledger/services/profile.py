"""A person's settings page: who they are (display name, email) and how their ledger counts
and writes (currency, the day a budgeting month starts, the locale dates are written in).

One change checks every field it was given, names each bad one and writes nothing when any
is wrong; what did change is audited by the fields' names (``settings.update``), never values.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from homeledger.models import User, UserSettings
from homeledger.services import accounts, audit
from homeledger.services.errors import ValidationError
from homeledger.services.partial import UNSET, PartialInput
from homeledger.services.text import collapse

MAX_DISPLAY_NAME = 100
MONTH_START_DAYS = range(1, 29)  # every month has a 28th

# ISO 4217 codes the ledger may be kept in, with their English names.
CURRENCIES = {
    "AED": "UAE dirham", "ALL": "Albanian lek", "ARS": "Argentine peso",
    "AUD": "Australian dollar", "BAM": "Bosnia-Herzegovina convertible mark",
    "BDT": "Bangladeshi taka", "BGN": "Bulgarian lev", "BHD": "Bahraini dinar",
    "BRL": "Brazilian real", "CAD": "Canadian dollar", "CHF": "Swiss franc",
    "CLP": "Chilean peso", "CNY": "Chinese yuan", "COP": "Colombian peso",
    "CRC": "Costa Rican colón", "CZK": "Czech koruna", "DKK": "Danish krone",
    "DOP": "Dominican peso", "DZD": "Algerian dinar", "EGP": "Egyptian pound", "EUR": "Euro",
    "GBP": "Pound sterling", "GEL": "Georgian lari", "GHS": "Ghanaian cedi",
    "HKD": "Hong Kong dollar", "HUF": "Hungarian forint", "IDR": "Indonesian rupiah",
    "ILS": "Israeli new shekel", "INR": "Indian rupee", "ISK": "Icelandic króna",
    "JMD": "Jamaican dollar", "JOD": "Jordanian dinar", "JPY": "Japanese yen",
    "KES": "Kenyan shilling", "KRW": "South Korean won", "KWD": "Kuwaiti dinar",
    "KZT": "Kazakhstani tenge", "LKR": "Sri Lankan rupee", "MAD": "Moroccan dirham",
    "MDL": "Moldovan leu", "MKD": "Macedonian denar", "MXN": "Mexican peso",
    "MYR": "Malaysian ringgit", "NGN": "Nigerian naira", "NOK": "Norwegian krone",
    "NPR": "Nepalese rupee", "NZD": "New Zealand dollar", "OMR": "Omani rial",
    "PEN": "Peruvian sol", "PHP": "Philippine peso", "PKR": "Pakistani rupee",
    "PLN": "Polish złoty", "QAR": "Qatari riyal", "RON": "Romanian leu",
    "RSD": "Serbian dinar", "SAR": "Saudi riyal", "SEK": "Swedish krona",
    "SGD": "Singapore dollar", "THB": "Thai baht", "TND": "Tunisian dinar",
    "TRY": "Turkish lira", "TTD": "Trinidad and Tobago dollar", "TWD": "New Taiwan dollar",
    "TZS": "Tanzanian shilling", "UAH": "Ukrainian hryvnia", "UGX": "Ugandan shilling",
    "USD": "US dollar", "UYU": "Uruguayan peso", "VND": "Vietnamese đồng",
    "XAF": "Central African CFA franc", "XOF": "West African CFA franc",
    "ZAR": "South African rand",
}  # fmt: skip

# Locales the pages write dates for (web/formats.py), each named as its speakers read it in
# English; the locale also says whether typed amounts use a decimal comma (settings.py).
LOCALES = {
    "en": "English",
    "en-US": "English (United States)",
    "en-GB": "English (United Kingdom)",
    "en-AU": "English (Australia)",
    "en-CA": "English (Canada)",
    "en-IE": "English (Ireland)",
    "en-NZ": "English (New Zealand)",
    "en-PH": "English (Philippines)",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "de-CH": "German (Switzerland)",
    "el": "Greek",
    "es": "Spanish",
    "es-MX": "Spanish (Mexico)",
    "fi": "Finnish",
    "fr": "French",
    "fr-CH": "French (Switzerland)",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "ja": "Japanese",
    "nb": "Norwegian Bokmål",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sv": "Swedish (year first, ISO)",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
_LOCALE_BY_KEY = {code.casefold(): code for code in LOCALES}

EDITABLE = ("display_name", "email", "currency", "month_start_day", "locale")


@dataclass(frozen=True)
class Profile:
    """What the settings page and ``GET /me/settings`` show."""

    username: str
    role: str
    display_name: str | None
    email: str | None
    currency: str
    month_start_day: int
    locale: str


@dataclass
class ProfileChange(PartialInput):
    """The fields a person sent; UNSET ones stay as they are, None or "" clears a name or
    an email."""

    display_name: object = UNSET
    email: object = UNSET
    currency: object = UNSET
    month_start_day: object = UNSET
    locale: object = UNSET


def _ledger_settings(session: Session) -> UserSettings:
    """The acting ledger's settings row, made with the defaults if it has none."""
    row = session.scalars(select(UserSettings)).one_or_none()
    if row is None:
        row = UserSettings(currency="USD", month_start_day=1, locale="en")
        session.add(row)
    return row


def read(session: Session, user: User) -> Profile:
    """``user``'s profile and the acting ledger's settings (their own ledger today)."""
    row = session.scalars(select(UserSettings)).one_or_none()
    return Profile(
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        email=user.email,
        currency=row.currency if row else "USD",
        month_start_day=row.month_start_day if row else 1,
        locale=row.locale if row else "en",
    )


# --- checking each field: (value to store, None) or (None, problem) --------------------------


def _display_name(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, "must be text"
    if not value.isprintable():
        return None, "contains characters that cannot be typed"
    name = collapse(value)
    if len(name) > MAX_DISPLAY_NAME:
        return None, f"must be at most {MAX_DISPLAY_NAME} characters"
    return name or None, None


def _email(session: Session, user: User, value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, "must be text"
    email = value.strip()
    if not email:
        return None, None
    if problem := accounts.email_problem(session, email, other_than=user.id):
        return None, problem
    return email, None


def _choice(value: object, known: dict[str, str], current: str, what: str, key):
    """A code from ``known`` (matched by ``key``), or the ledger's current one kept as is
    (an older ledger may hold a code no longer offered; saving the page must not fail)."""
    if not isinstance(value, str):
        return None, f"must be {what}, as text"
    text = value.strip()
    if text == current:
        return current, None
    found = next((code for code in known if key(code) == key(text)), None)
    if found is None:
        shown = text if len(text) <= 20 else text[:20] + "…"
        return None, f"must be {what}; “{shown}” is not one"
    return found, None


def _month_start_day(value: object) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int) or value not in MONTH_START_DAYS:
        return None, "must be a whole number from 1 to 28"
    return value, None


def update(
    session: Session, user: User, change: ProfileChange, *, ip_address: str | None = None
) -> Profile:
    """Save the fields ``change`` was given; ValidationError naming every bad field (nothing
    written then). Changing ``month_start_day`` changes what every budgeting month of the
    ledger means, past months included."""
    settings = _ledger_settings(session)
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name in sorted(change.given):
        raw = getattr(change, name)
        if name == "display_name":
            value, problem = _display_name(raw)
        elif name == "email":
            value, problem = _email(session, user, raw)
        elif name == "currency":
            value, problem = _choice(
                raw, CURRENCIES, settings.currency, "a known ISO 4217 currency code", str.upper
            )
        elif name == "month_start_day":
            value, problem = _month_start_day(raw)
        else:
            value, problem = _choice(
                raw, LOCALES, settings.locale, "one of the offered locales", _locale_key
            )
        if problem:
            problems[name] = problem
        else:
            values[name] = value
    if problems:
        raise ValidationError(problems)

    owners = {"display_name": user, "email": user}
    changed = sorted(
        name for name, value in values.items() if getattr(owners.get(name, settings), name) != value
    )
    if not changed:
        return read(session, user)
    session.flush()  # a settings row made just now is not undone with the savepoint below
    try:
        with session.begin_nested():
            for name in changed:
                setattr(owners.get(name, settings), name, values[name])
            session.flush()
    except IntegrityError:
        # Another account took this email between the check and the write.
        raise ValidationError({"email": "is already used by another account"}) from None
    audit.record(
        session,
        "settings.update",
        actor_id=user.id,
        ledger_user_id=settings.user_id,
        ip_address=ip_address,
        extra={"fields": changed},
    )
    return read(session, user)


def _locale_key(code: str) -> str:
    return code.replace("_", "-").casefold()


def known_locale(code: str) -> str | None:
    """The offered locale ``code`` names ("en_us" -> "en-US"), or None."""
    return _LOCALE_BY_KEY.get(_locale_key(code))
