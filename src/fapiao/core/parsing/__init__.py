"""Reading invoice files: bytes in, parsed invoices out (sniff → parser → merge → validate).

Formats and their traps: docs/formats (the project's reference), GB/T 33190 (OFD), the 数电 XML
layout of the tax bureau, and the QR payload of printed invoices.
"""
