"""收票 (intake): uploads, background parsing with progress, routing, the unassigned tray."""
