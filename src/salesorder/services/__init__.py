"""Use cases: load through a unit of work, call the domain, save, publish events."""
