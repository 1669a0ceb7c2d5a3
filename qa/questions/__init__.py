"""Stage: a question -> one Query: language, kind, follow-up, names; per-language tables."""
