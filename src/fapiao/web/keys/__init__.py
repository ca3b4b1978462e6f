"""密钥 (keys): wrapped data keys per company, the master keyring, rotation, crypto-shredding."""
