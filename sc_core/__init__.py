"""Ground floor shared by the console and the district: engine rules, migrations helper, naming, time."""
