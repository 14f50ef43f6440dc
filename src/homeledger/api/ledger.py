"""The ledger over the API: transactions, categories, owners and rules."""

from __future__ import annotations

from flask_smorest import Blueprint

from homeledger.api.ledger_schemas import (
    ApplyRulesSchema,
    BulkEditSchema,
    CategoryPatchSchema,
    CategorySchema,
    CountSchema,
    MergeSchema,
    OwnerPatchSchema,
    OwnerSchema,
    RulesAppliedSchema,
    RuleSchema,
    TransactionPage,
    TransactionPatchSchema,
    TransactionQuery,
    TransactionSchema,
)
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import categories, rules, transactions
from homeledger.services.transactions import TransactionFilter, TransactionInput

blp = Blueprint("api_ledger", __name__, description="Transactions, categories, owners, rules.")


def filter_from(args: dict) -> TransactionFilter:
    month = tuple(map(int, args["month"].split("-"))) if "month" in args else None
    return TransactionFilter(
        search=args.get("search"),
        month=month,
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        category_ids=tuple(args.get("category_id", ())),
        uncategorised=args.get("uncategorised", False),
        owner_id=args.get("owner_id"),
        mine=args.get("mine", False),
        account=args.get("account"),
        amount_min=args.get("amount_min"),
        amount_max=args.get("amount_max"),
        import_batch_id=args.get("import_batch_id"),
        needs_review=args.get("needs_review", False),
        flow=args.get("flow"),
    )


@blp.get("/transactions")
@documented(blp)
@blp.arguments(TransactionQuery, location="query")
@blp.response(200, TransactionPage)
def list_transactions(args):
    """Search and filter transactions, newest first by default; follow `next_cursor` for more
    and `previous_cursor` back."""
    page = transactions.list_page(
        db.session,
        filter_from(args),
        sort=args["sort"],
        cursor=args.get("cursor"),
        limit=args["limit"],
    )
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


@blp.post("/transactions")
@documented(blp)
@blp.arguments(TransactionSchema)
@blp.response(201, TransactionSchema)
def create_transaction(body):
    """Record a transaction (negative amounts leave the household)."""
    row = transactions.create(db.session, TransactionInput(**body))
    db.session.commit()
    return row


@blp.get("/transactions/<int:transaction_id>")
@documented(blp)
@blp.response(200, TransactionSchema)
def get_transaction(transaction_id):
    """One transaction."""
    return transactions.get(db.session, transaction_id)


@blp.patch("/transactions/<int:transaction_id>")
@documented(blp)
@blp.arguments(TransactionPatchSchema(partial=True))
@blp.response(200, TransactionSchema)
def edit_transaction(body, transaction_id):
    """Change some fields of a transaction; `null` clears category, owner, account or notes."""
    row = transactions.edit(db.session, transaction_id, TransactionInput(**body))
    db.session.commit()
    return row


@blp.delete("/transactions/<int:transaction_id>")
@documented(blp)
@blp.response(204)
def delete_transaction(transaction_id):
    """Delete a transaction."""
    transactions.remove(db.session, transaction_id)
    db.session.commit()


@blp.post("/transactions/bulk")
@documented(blp)
@blp.arguments(BulkEditSchema)
@blp.response(200, CountSchema)
def bulk_edit(body):
    """Set category and/or owner on the given ids, or on everything matching a filter."""
    changes = {k: body[k] for k in ("category_id", "owner_id") if k in body}
    changed = transactions.bulk_set(
        db.session,
        ids=body.get("ids"),
        criteria=filter_from(body["filter"]) if "filter" in body else None,
        **changes,
    )
    db.session.commit()
    return {"changed": changed}


@blp.get("/categories")
@documented(blp)
@blp.response(200, CategorySchema(many=True))
def list_categories():
    """Every category, inactive ones included."""
    return categories.list_categories(db.session, include_inactive=True)


@blp.post("/categories")
@documented(blp)
@blp.arguments(CategorySchema)
@blp.response(201, CategorySchema)
def create_category(body):
    """Add a category."""
    category = categories.create_category(
        db.session, body["name"], body.get("type", "expense"), body.get("color")
    )
    db.session.commit()
    return category


@blp.patch("/categories/<int:category_id>")
@documented(blp)
@blp.arguments(CategoryPatchSchema(partial=True))
@blp.response(200, CategorySchema)
def update_category(body, category_id):
    """Rename, recolour, retype or (de)activate a category."""
    category = categories.update_category(
        db.session,
        category_id,
        name=body.get("name"),
        type_=body.get("type"),
        color=body.get("color"),
        is_active=body.get("is_active"),
    )
    db.session.commit()
    return category


@blp.post("/categories/<int:category_id>/merge")
@documented(blp)
@blp.arguments(MergeSchema)
@blp.response(200, CategorySchema)
def merge_category(body, category_id):
    """Fold this category into `target_id`: transactions, budgets, commitments and rules move."""
    target = categories.merge_categories(db.session, category_id, body["target_id"])
    db.session.commit()
    return target


@blp.get("/owners")
@documented(blp)
@blp.response(200, OwnerSchema(many=True))
def list_owners():
    """The household's members and joint accounts."""
    return categories.list_owners(db.session)


@blp.post("/owners")
@documented(blp)
@blp.arguments(OwnerSchema)
@blp.response(201, OwnerSchema)
def create_owner(body):
    """Add a household member or joint account."""
    owner = categories.create_owner(db.session, body["name"])
    db.session.commit()
    return owner


@blp.patch("/owners/<int:owner_id>")
@documented(blp)
@blp.arguments(OwnerPatchSchema(partial=True))
@blp.response(200, OwnerSchema)
def update_owner(body, owner_id):
    """Rename or (de)activate an owner."""
    owner = categories.update_owner(
        db.session, owner_id, name=body.get("name"), is_active=body.get("is_active")
    )
    db.session.commit()
    return owner


@blp.post("/owners/<int:owner_id>/merge")
@documented(blp)
@blp.arguments(MergeSchema)
@blp.response(200, OwnerSchema)
def merge_owner(body, owner_id):
    """Fold this owner into `target_id` everywhere an owner appears."""
    target = categories.merge_owners(db.session, owner_id, body["target_id"])
    db.session.commit()
    return target


@blp.get("/rules")
@documented(blp)
@blp.response(200, RuleSchema(many=True))
def list_rules():
    """Rules in the order they run."""
    return rules.list_rules(db.session)


@blp.post("/rules")
@documented(blp)
@blp.arguments(RuleSchema)
@blp.response(201, RuleSchema)
def create_rule(body):
    """Add a rule; it runs on every import from now on."""
    rule = rules.create_rule(db.session, rules.RuleSpec(**body))
    db.session.commit()
    return rule


@blp.put("/rules/<int:rule_id>")
@documented(blp)
@blp.arguments(RuleSchema)
@blp.response(200, RuleSchema)
def replace_rule(body, rule_id):
    """Replace a rule."""
    rule = rules.update_rule(db.session, rule_id, rules.RuleSpec(**body))
    db.session.commit()
    return rule


@blp.delete("/rules/<int:rule_id>")
@documented(blp)
@blp.response(204)
def delete_rule(rule_id):
    """Delete a rule; the categories it set stay."""
    rules.delete_rule(db.session, rule_id)
    db.session.commit()


@blp.post("/rules/apply")
@documented(blp)
@blp.arguments(ApplyRulesSchema, required=False)
@blp.response(200, RulesAppliedSchema)
def apply_rules(body):
    """Run the rules over existing transactions; with `dry_run` only count the changes.
    `skipped_rules` names rules left out because their regular expression was too slow."""
    if body["dry_run"]:
        run = rules.changes_over_history(db.session, only_uncategorised=body["only_uncategorised"])
    else:
        run = rules.apply_to_history(db.session, only_uncategorised=body["only_uncategorised"])
        db.session.commit()
    return {"changed": run.changed, "skipped_rules": run.skipped_rules}
