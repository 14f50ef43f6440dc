"""Budget pages: the month against its budgets, the year, suggestions, raising to bills."""
