"""The review queue: decisions on drafts, and their promotion into the canonical set."""
