"""The numpy backend: printer, pieces, templates and the target class."""
