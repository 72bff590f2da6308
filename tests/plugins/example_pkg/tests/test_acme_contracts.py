"""What Acme's own test suite holds: each adapter passes salesorder's kit, one line each.

salesorder finds each adapter by its entry-point name, as an application would.
"""

from salesorder_acme.testing import CourierHooks, EInvoiceHooks, ShopHooks, SmsHooks

from salesorder.testing.contracts import check_plugin

TestAcmeCourier = check_plugin("salesorder.couriers", "acme", hooks=CourierHooks)
TestAcmeShop = check_plugin("salesorder.marketplaces", "acme", hooks=ShopHooks)
TestAcmeEInvoice = check_plugin("salesorder.einvoice", "acme", hooks=EInvoiceHooks)
TestAcmeSms = check_plugin("salesorder.notifications", "acme", hooks=SmsHooks)


class VndCourierHooks(CourierHooks):
    currency = "VND"  # the kit checks fees are in the currency the courier was made with


TestAcmeCourierInVnd = check_plugin(
    "salesorder.couriers", "acme", hooks=VndCourierHooks, options={"currency": "VND"}
)
