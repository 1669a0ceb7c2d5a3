"""Stage: Query + index -> signals (dense, lexical, second encoder) -> fused ranking."""
