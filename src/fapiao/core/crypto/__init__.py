"""加密 (encryption at rest): master-key keyring, per-company data keys, sealed files and fields.

Key hierarchy: a master key (主密钥) lives outside the database (environment or key file) and
only wraps per-company data keys (数据密钥); data keys encrypt original files and sensitive
fields; a blind-index key derived from each data key makes encrypted fields searchable by exact
value.  See ``docs/security.md``.
"""
