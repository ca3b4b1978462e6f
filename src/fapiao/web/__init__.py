"""The Django application that puts the core behind pages, an API and a background worker."""
