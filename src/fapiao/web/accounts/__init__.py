"""账户 (accounts): registration, e-mail verification, login with TOTP, recovery codes, profile."""
