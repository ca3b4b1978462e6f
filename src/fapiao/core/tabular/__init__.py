"""Tabular reading (表格读取) shared by ingestion and reconciliation: CSV, XLSX and XLS into
polars frames of text with canonical column names, per-cell findings and skipped rows."""
