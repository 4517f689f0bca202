"""Checking the official result against observers' copies of the protocols, and a parallel
count from a random sample of them."""
