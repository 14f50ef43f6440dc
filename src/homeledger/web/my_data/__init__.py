"""The household's own data: download a copy, import an export back, delete it all."""
