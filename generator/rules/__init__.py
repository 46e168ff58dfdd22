"""Domain rules: small pure functions, no I/O, each citing the rule it implements."""
