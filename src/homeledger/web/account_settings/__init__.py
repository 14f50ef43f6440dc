"""The settings hub: your profile and ledger settings, and your saved CSV import mappings."""
