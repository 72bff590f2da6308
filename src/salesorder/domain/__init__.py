"""Pure models and rules: no I/O, no clocks, no globals."""
