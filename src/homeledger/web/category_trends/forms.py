"""The range and filters of the categories dashboard, read from the query string."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import Optional

from homeledger.web.forms import MonthText, WebForm


class RangeChoice(WebForm):
    """From and to (budgeting months), owner and account; GET, so no CSRF token."""

    class Meta(WebForm.Meta):
        csrf = False

    from_ = MonthText("From", validators=[Optional()], name="from")
    to = MonthText("To", validators=[Optional()])
    owner = SelectField("Owner", default="")
    account = SelectField("Account", default="")
