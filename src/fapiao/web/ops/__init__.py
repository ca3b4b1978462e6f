"""运维 (operations): backups that restore, the periodic scheduler, health checks and metrics."""
