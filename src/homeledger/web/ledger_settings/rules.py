"""Rule pages: list in priority order, create, edit, delete, apply to existing rows."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import categories, rules
from homeledger.services.rules import RuleSpec
from homeledger.web.forms import active_choices, attempt, flash_skipped_rules, optional_id
from homeledger.web.ledger_settings.forms import (
    MATCH_LABELS,
    ApplyRulesForm,
    DeleteForm,
    RuleForm,
)

bp = Blueprint("ledger_rules", __name__, url_prefix="/settings/rules")

_FORM_FIELD = {"set_category_id": "set_category", "set_owner_id": "set_owner"}


def _names() -> tuple[dict[int, str], dict[int, str]]:
    category_names = {
        c.id: c.name for c in categories.list_categories(db.session, include_inactive=True)
    }
    return category_names, {o.id: o.name for o in categories.list_owners(db.session)}


@bp.route("")
@login_required
def index():
    """Every rule, in the order they run."""
    category_names, owner_names = _names()
    return render_template(
        "ledger_settings/rules.html",
        rules=rules.list_rules(db.session),
        category_names=category_names,
        owner_names=owner_names,
        match_labels=MATCH_LABELS,
    )


def _rule_form(rule=None) -> RuleForm:
    form = RuleForm(obj=rule) if rule is not None else RuleForm()
    if rule is not None and not form.is_submitted():
        form.set_category.data = str(rule.set_category_id or "")
        form.set_owner.data = str(rule.set_owner_id or "")
    form.set_category.choices = active_choices(
        categories.list_categories(db.session, include_inactive=True),
        "Leave the category",
        keep=rule.set_category_id if rule is not None else None,
    )
    form.set_owner.choices = active_choices(
        categories.list_owners(db.session),
        "Leave the owner",
        keep=rule.set_owner_id if rule is not None else None,
    )
    return form


def _spec(form: RuleForm) -> RuleSpec:
    return RuleSpec(
        name=form.name.data,
        pattern=form.pattern.data,
        match_type=form.match_type.data,
        priority=form.priority.data,
        amount_min=form.amount_min.data,
        amount_max=form.amount_max.data,
        account=form.account.data or None,
        set_category_id=optional_id(form.set_category.data),
        set_owner_id=optional_id(form.set_owner.data),
        is_active=form.is_active.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a rule. 400 naming the field when it is not valid (e.g. a broken regex)."""
    form = _rule_form()
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: rules.create_rule(db.session, _spec(form)),
            lambda rule: f"Added the rule “{rule.name}”.",
            "ledger_rules.index",
            _FORM_FIELD,
        )
    ):
        return done
    status = 400 if form.errors else 200
    return render_template("ledger_settings/rule_form.html", form=form, rule=None), status


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@login_required
def edit(rule_id: int):
    """Change a rule. 404 when it is not in this ledger; 400 naming a field that is not valid."""
    rule = rules.get_rule(db.session, rule_id)
    form = _rule_form(rule)
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: rules.update_rule(db.session, rule_id, _spec(form)),
            lambda _: "Rule saved.",
            "ledger_rules.index",
            _FORM_FIELD,
        )
    ):
        return done
    status = 400 if form.errors else 200
    return render_template("ledger_settings/rule_form.html", form=form, rule=rule), status


@bp.route("/<int:rule_id>/delete", methods=["GET", "POST"])
@login_required
def delete(rule_id: int):
    """Ask, then (POST from that page) delete a rule; rows it categorised keep their category.

    404 when not in this ledger; a post that did not come through the question changes
    nothing (400).
    """
    rule = rules.get_rule(db.session, rule_id)
    form = DeleteForm()
    if not (form.validate_on_submit() and form.confirmed.data == "yes"):
        status = 400 if form.is_submitted() else 200
        form.confirmed.data = "yes"
        category_names, owner_names = _names()
        return render_template(
            "ledger_settings/rule_delete.html",
            form=form,
            rule=rule,
            category_names=category_names,
            owner_names=owner_names,
            match_labels=MATCH_LABELS,
        ), status
    rules.delete_rule(db.session, rule_id)
    db.session.commit()
    flash("Rule deleted.", "success")
    return redirect(url_for("ledger_rules.index"))


@bp.route("/apply", methods=["GET"])
@login_required
def preview_apply():
    """How many existing transactions the rules would change, before anything is written.

    ``?scope=all`` also looks at rows that already have a category.
    """
    only_uncategorised = request.args.get("scope") != "all"
    run = rules.changes_over_history(db.session, only_uncategorised=only_uncategorised)
    by_rule = Counter(change.rule_id for change in run.changes)
    rule_list = [r for r in rules.list_rules(db.session) if r.id in by_rule]
    form = ApplyRulesForm(
        formdata=None,
        only_uncategorised="1" if only_uncategorised else "0",
        confirm_count=str(run.changed),
    )
    return render_template(
        "ledger_settings/rules_apply.html",
        form=form,
        total=run.changed,
        by_rule=[(rule, by_rule[rule.id]) for rule in rule_list],
        only_uncategorised=only_uncategorised,
        skipped=run.skipped_rules,
    )


@bp.route("/apply", methods=["POST"])
@login_required
def apply():
    """Apply the rules to existing transactions (after the preview); flashes how many changed."""
    form = ApplyRulesForm()
    if not form.validate_on_submit():
        abort(400)
    only_uncategorised = form.only_uncategorised.data != "0"
    expected = rules.changes_over_history(db.session, only_uncategorised=only_uncategorised)
    if (form.confirm_count.data or "0") != str(expected.changed):
        # Not the number the person agreed to (or no preview at all): ask again.
        flash("Check the number of transactions that would change, then apply.", "warning")
        return redirect(
            url_for("ledger_rules.preview_apply", scope=None if only_uncategorised else "all")
        )
    run = rules.apply_to_history(db.session, only_uncategorised=only_uncategorised)
    db.session.commit()
    count = run.changed
    flash(f"Rules applied: {count} transaction{'' if count == 1 else 's'} changed.", "success")
    flash_skipped_rules(run.skipped_rules, "this run")
    return redirect(url_for("ledger_rules.index"))
