"""公司 (companies): the taxpayers whose invoices are kept, and who may work on them."""
