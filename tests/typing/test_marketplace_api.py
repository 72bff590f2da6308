"""The marketplace API's types, checked by ``mypy --strict`` and run by pytest."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from salesorder import (
    IngestResult,
    ListingReport,
    Reconciliation,
    StockPush,
    commands,
    in_memory,
)

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:
    # typing.assert_type is 3.11+; at run time the check is mypy's (see test_public_api).
    _T = TypeVar("_T")

    def assert_type(value: _T, _type: object) -> _T:
        return value


def test_marketplace_commands_return_their_types() -> None:
    app = in_memory()
    pushed = assert_type(app.execute(commands.SyncChannelStock()), list[StockPush])
    assert pushed == []
    assert_type(app.execute(commands.CheckChannelStock(channel="shopee")), list[StockPush])
    assert_type(app.execute(commands.ImportSettlements(channel="shopee")), list[Reconciliation])
    assert_type(app.execute(commands.PullListings(channel="shopee")), ListingReport)
    assert_type(app.execute(commands.ReleaseParkedOrders()), list[IngestResult])
    result = app.execute(commands.ReceiveWebhook(channel="shopee", body="{}", signature="0"))
    assert_type(result, IngestResult)
    assert result.outcome.value == "rejected"
