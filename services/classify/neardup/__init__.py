"""Near-duplicate detection: MinHash signatures of the redacted text and an LSH index per area."""
