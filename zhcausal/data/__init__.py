"""The annotation contract in code: records, JSONL I/O, validation, converters, statistics."""
from .io import AnnotationError, read_records, write_records
from .schema import RELATION_LABELS, RELATION_TYPES, SPAN_LABELS, Record, Relation, Span
from .validate import Violation, validate_file

__all__ = ["AnnotationError", "read_records", "write_records", "Record", "Relation", "Span",
           "SPAN_LABELS", "RELATION_LABELS", "RELATION_TYPES", "Violation", "validate_file"]
