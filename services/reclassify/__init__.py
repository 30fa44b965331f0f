"""Re-classification of everything indexed with the current model, without downtime."""
