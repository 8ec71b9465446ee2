"""Adapters: one package per system that implements the ports (`bot.ports`).

`local` is the embedded default over the application database. Adapters for
Wisphub (customers, tickets, billing), SmartOLT (ONU status, optical power)
and MikroTik (traffic) go beside it, one package each; `bot.wiring` picks them.
"""
