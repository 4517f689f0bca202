"""The statistical fingerprints of a count, per area, from published records only."""
