"""fapiao: 发票管理与对账 (invoice management and tax reconciliation)."""

__version__ = "0.1.0"
