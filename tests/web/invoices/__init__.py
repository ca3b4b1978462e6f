"""Tests of fapiao.web.invoices."""
