"""API bodies of imports: the upload's options, the preview (with the file's layout, for a
client building the CSV mapping itself), batches, saved mappings and bad-line errors."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from homeledger.api.ledger_schemas import SKIPPED_RULES, Id, MoneyField, SkippedRuleSchema
from homeledger.api.schemas import ErrorDetail
from homeledger.services.importing import POSITION_NAME

_MAPPING = (
    "CSV only: the column mapping as JSON, e.g. "
    '`{"date": "Column 1", "amount": "Column 2", "description": "Column 3", '
    '"date_format": "dmy", "decimal_separator": ",", "has_header": false}`. '
    "Columns are named by the file's header, or by position (`"
    + POSITION_NAME.format(1)
    + "`, `"
    + POSITION_NAME.format(2)
    + "`…) in a file without one. Keys: date, description (required); amount, or debit "
    "and/or credit; direction (a column saying money in or out, such as Dutch `Af Bij`, "
    "with an unsigned amount); category, owner, account, notes; date_format (iso, dmy, mdy, "
    "ymd); decimal_separator (`.` or `,`); has_header (true, false, or null to detect)."
)


class LineProblemSchema(Schema):
    """A line of the file that gives no transaction."""

    line = fields.Integer(allow_none=True, metadata={"description": "1-based line of the file."})
    column = fields.String(allow_none=True, metadata={"description": "The mapped column."})
    value = fields.String(allow_none=True, metadata={"description": "What the cell holds."})
    reason = fields.String(metadata={"example": "'2026-02-30' is not a real date"})


_SKIPPED_LINES = {
    "description": "Lines of the file left out because they could not be read "
    "(imported with `skip_bad_lines`)."
}


class ImportBatchSchema(Schema):
    id = fields.Integer()
    source = fields.String()
    filename = fields.String(allow_none=True)
    row_count = fields.Integer(metadata={"description": "Rows added."})
    skipped_count = fields.Integer(metadata={"description": "Duplicates left out."})
    created_at = fields.DateTime()
    undone_at = fields.DateTime(allow_none=True)
    summary = fields.Dict(allow_none=True)
    skipped_rules = fields.List(
        fields.Nested(SkippedRuleSchema),
        attribute="summary.skipped_rules",
        dump_only=True,
        dump_default=list,
        metadata=SKIPPED_RULES,
    )
    skipped_lines = fields.List(
        fields.Nested(LineProblemSchema),
        attribute="summary.skipped_lines",
        dump_only=True,
        dump_default=list,
        metadata=_SKIPPED_LINES,
    )


class ImportUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV, OFX/QFX or QIF, up to 10 MB."})


class ImportOptionsSchema(Schema):
    """Query-string options of an upload (the file itself is the multipart body)."""

    mapping = fields.String(metadata={"description": _MAPPING})
    profile_id = Id(metadata={"description": "CSV only: a saved mapping (instead of `mapping`)."})
    account = fields.String(validate=validate.Length(max=100))
    save_profile_as = fields.String(validate=validate.Length(1, 100))
    skip_bad_lines = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Import the rows that read and leave out the lines that do not "
            "(at most 100; they are recorded on the batch). Without it, a file with bad "
            "lines is refused with `bad_lines`, naming every one."
        },
    )


class PlannedRowSchema(Schema):
    line = fields.Integer()
    date = fields.Date()
    description = fields.String()
    amount = MoneyField()
    duplicate = fields.Boolean()
    category = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)


class MappingRoleSchema(Schema):
    name = fields.String(metadata={"example": "date"})
    label = fields.String(metadata={"example": "Date"})
    required = fields.Boolean(
        metadata={"description": "amount counts as given by debit and/or credit instead."}
    )


class LineAboveSchema(Schema):
    line = fields.Integer()
    text = fields.String()


class CsvLayoutSchema(Schema):
    """How a CSV file is laid out: enough for a client to show a column picker."""

    encoding = fields.String(metadata={"example": "utf-8"})
    delimiter = fields.String(metadata={"example": ","})
    has_header = fields.Boolean(
        metadata={"description": "Whether the first row of the table names the columns."}
    )
    header_line = fields.Integer(allow_none=True)
    columns = fields.List(
        fields.String(),
        metadata={"description": f"Header names, or `{POSITION_NAME.format(1)}`… by position."},
    )
    sample_rows = fields.List(
        fields.List(fields.String()),
        metadata={"description": "The first 20 data rows as written, cell by cell."},
    )
    lines_read = fields.Integer(metadata={"description": "Data rows in the table."})
    lines_above = fields.List(
        fields.Nested(LineAboveSchema),
        metadata={"description": "Lines above the table (account details), left out."},
    )
    decimal_separator = fields.String(metadata={"description": "Detected: `.` or `,`."})
    date_format_candidates = fields.List(
        fields.String(), metadata={"description": "Date orders that read the date column."}
    )
    date_formats = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": 'Every date format: {"dmy": "DD/MM/YYYY", …}.'},
    )
    found = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "The column found for each role, by header name or content."},
    )
    missing = fields.List(
        fields.String(), metadata={"description": "Required roles no column was found for."}
    )
    suggested = fields.Dict(allow_none=True, metadata={"description": "A complete mapping."})
    needs = fields.String(
        allow_none=True,
        metadata={
            "description": "What the file alone leaves to choose: `columns`, `date_format`, "
            "or null. In a 200 preview the `mapping` used has made that choice."
        },
    )
    roles = fields.List(fields.Nested(MappingRoleSchema))


class ImportPreviewSchema(Schema):
    format = fields.String()
    lines_read = fields.Integer(
        metadata={"description": "Transaction lines in the file: row_count + bad_line_count."}
    )
    row_count = fields.Integer(metadata={"description": "Lines that become transactions."})
    new_count = fields.Integer()
    duplicate_count = fields.Integer()
    bad_line_count = fields.Integer()
    bad_lines = fields.List(
        fields.Nested(LineProblemSchema),
        metadata={"description": "Lines that cannot be read (the first 100)."},
    )
    income = MoneyField()
    spending = MoneyField()
    new_categories = fields.List(fields.String())
    new_owners = fields.List(fields.String())
    headers = fields.List(
        fields.String(), allow_none=True, metadata={"description": "Same as csv.columns."}
    )
    mapping = fields.Dict(allow_none=True)
    date_format_candidates = fields.List(fields.String(), allow_none=True)
    csv = fields.Nested(CsvLayoutSchema, allow_none=True)
    rows = fields.List(
        fields.Nested(PlannedRowSchema), metadata={"description": "The first 100 rows."}
    )
    skipped_rules = fields.List(fields.Nested(SkippedRuleSchema), metadata=SKIPPED_RULES)


class ImportErrorDetail(ErrorDetail):
    """A refused upload. `code` says what to do next: `choose_columns`,
    `choose_date_format` or `mapping_does_not_fit` (with `csv`, to build a mapping),
    `bad_lines` (with `lines`; when `can_skip`, retry with `skip_bad_lines=true` to
    leave them out),
    or `validation_error` (`fields.file` says why the file cannot be read, or
    `fields.mapping` what is wrong with the mapping sent)."""

    csv = fields.Nested(CsvLayoutSchema)
    lines = fields.List(fields.Nested(LineProblemSchema))
    bad_line_count = fields.Integer()
    can_skip = fields.Boolean(
        metadata={"description": "Whether `skip_bad_lines` can leave them out (at most 100)."}
    )


class ImportErrorSchema(Schema):
    error = fields.Nested(ImportErrorDetail, required=True)


class ImportProfileSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    mapping = fields.Dict(required=True)
