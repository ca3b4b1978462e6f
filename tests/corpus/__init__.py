"""Synthetic invoice corpora with known ground truth: ``corpus.xml_ofd`` and ``corpus.pdf_image``.

``tests`` is on the import path of the test run (``pythonpath`` in pyproject.toml).
"""
