"""The reference election (docs/rules.md, kz2023) and the simulated night that drives it through
the real services: what `make demo` loads and runs."""
