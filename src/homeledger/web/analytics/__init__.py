"""Analytics pages: spending by category, income and spending, by owner, top payees, compare."""
