"""Drafting a new role from a title: prompts, model calls, repairs and the run journal."""
