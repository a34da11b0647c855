"""Make the shared fixtures (district, personas, rounds) visible to every test folder."""

pytest_plugins = ["phieukin.testing.fixtures", "phieukin.testing.boxes"]
