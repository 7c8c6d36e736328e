"""softproof.codegen: printers, templates and writers that turn proved expressions into code."""

__all__: list[str] = []
