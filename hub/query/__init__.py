"""Layer 4, ``query``: rollups and dataloaders over the store."""
