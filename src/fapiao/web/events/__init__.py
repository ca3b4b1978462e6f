"""事件 (events): the one append-only record of everything that happened."""
