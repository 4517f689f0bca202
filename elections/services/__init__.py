"""Services: every workflow that spans models or changes state, one sub-domain per module."""
