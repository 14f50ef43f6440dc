"""Transaction pages: the filtered list, bulk edits, create, edit and delete."""
