"""报销 (reimbursement claims): invoices and other receipts one person asks to be paid for."""
