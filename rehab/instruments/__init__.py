"""Outcome measures: ``catalogue`` (what each questionnaire asks) and ``scoring`` (its score)."""
