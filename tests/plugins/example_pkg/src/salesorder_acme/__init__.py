"""Acme's adapters for salesorder: an example of a package that publishes plugins.

The courier, shop and e-invoice adapters are Acme-branded configurations of salesorder's
reference adapters (a real package would call Acme's APIs); the SMS sender is written from
scratch against the port. :mod:`salesorder_acme.testing` ships the hooks salesorder's
contract kits need, so a user checks each adapter in one line.
"""
