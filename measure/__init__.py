"""Measurement of the generated code: accuracy in ULPs (:mod:`softproof.measure.accuracy`) and speed (:mod:`softproof.measure.bench`)."""
