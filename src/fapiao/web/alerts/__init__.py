"""预警 (alerts): anomalies found in a company's records, shown in the app and delivered."""
