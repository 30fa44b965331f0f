"""The area review pack: a printable evidence report for a place review or a system summit."""
