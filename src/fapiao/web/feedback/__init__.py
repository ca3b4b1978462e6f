"""反馈 (feedback): what users report from any page, and its handling by admins."""
