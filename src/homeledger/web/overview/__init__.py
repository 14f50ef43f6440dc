"""The overview page: this month's income, spending and net."""
