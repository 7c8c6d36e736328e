"""Measurement of the generated code: accuracy in ULPs (:mod:`measure.accuracy`) and speed (:mod:`measure.bench`)."""
