"""Adapters: implementations of the ports, chosen at the edge (see :mod:`salesorder.bootstrap`)."""
