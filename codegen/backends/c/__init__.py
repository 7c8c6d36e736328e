"""The c backend: printer, pieces, templates and the target class."""
