"""发票 (invoices): records, their lines, files and status."""
