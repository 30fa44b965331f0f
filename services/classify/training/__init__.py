"""Training, cross-validation and evaluation of the classify pipeline."""
