"""外壳 (shell): what every page shares: current company, permissions, navigation, home page."""
