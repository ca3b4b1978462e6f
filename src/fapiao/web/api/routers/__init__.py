"""One router per domain noun: invoices, claims, reconciliation, reports."""
