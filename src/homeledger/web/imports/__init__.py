"""Import pages: upload a bank file, preview and map it, commit, list and undo imports."""
