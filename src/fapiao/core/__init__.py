"""The invoice domain, free of any web framework.

Everything here takes its configuration as arguments and never reads settings, so the same code
serves the command line, the web application and the background worker.
"""
