"""spaCy components of the classify pipeline; importing this package registers their factories.

Order in the assembled pipeline: statements (trained multi-label textcat) and sentiment (trained textcat),
both disabled and run by segments; redactor, redacted_doc, statement_rules, severity, segments, decisions.
Everything after redacted_doc that reports text works on the redacted text.
"""

from services.classify.pipeline import (  # noqa: F401
    decisions,
    linear_textcat,
    long_decisions,
    redacted_doc,
    redactor,
    segments,
    severity,
    severity_cues,
    severity_patterns,
    statement_patterns,
    statement_rules,
    textcat_bce,
)
