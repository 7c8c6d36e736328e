"""Hand-written runtime modules, copied verbatim into generated/ by codegen (typed and linted here)."""
