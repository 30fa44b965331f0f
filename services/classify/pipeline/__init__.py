"""spaCy components of the classify pipeline; importing this package registers their factories.

Order in the assembled pipeline: statements (trained multi-label textcat), sentiment (trained textcat),
statement_rules, severity, redactor, decisions.
"""

from services.classify.pipeline import (  # noqa: F401
    decisions,
    linear_textcat,
    redactor,
    severity,
    severity_patterns,
    statement_patterns,
    statement_rules,
    textcat_bce,
)
