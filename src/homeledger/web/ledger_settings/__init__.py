"""Settings pages of a ledger: categories, owners and categorisation rules."""
