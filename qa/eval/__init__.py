"""Stage: question files -> figures, per document and pooled."""
