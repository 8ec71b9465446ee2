"""Billing: balances, invoices and payments, and invoices checked against the contract.

`port` holds the records and the `BillingLedger` Protocol, `local_adapter` the
embedded ledger over the application database, `disputes` the pure checks
(undue charges, each line explained) and `money` the Decimal rounding rules.
This package imports no adapter at import time: `bot.db.models` reads the
port's vocabularies.
"""
