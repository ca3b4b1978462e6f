"""审计 (audit): the tamper-evident hash chain over the event trail.  See ``docs/security.md``."""
