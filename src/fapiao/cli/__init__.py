"""The ``fapiao`` command: file commands use the core only, database commands use web services."""
