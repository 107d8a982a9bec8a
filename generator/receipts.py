"""Distribution receipts (签收): which departments owe a record a receipt, and which still do."""

from __future__ import annotations

from .schema import owed_departments


def receipts_owed(record, cfg) -> list[str]:
    """Department codes that owe the record a receipt: an approved management review's distribution,
    a notice's audience (every department for all) when it sets acknowledge: true; else none."""
    rtype = cfg.types.get(record.type)
    return owed_departments(record.fields, rtype, cfg.departments) if rtype is not None else []


def receipts_outstanding(record, cfg) -> list[str]:
    """The departments that owe a receipt and have not signed yet (in `received`)."""
    received = record.fields.get("received")
    signed = {r.get("department") for r in received if isinstance(r, dict)} if isinstance(received, list) else set()
    return [d for d in receipts_owed(record, cfg) if d not in signed]
