"""Make the product's shared fixtures (district, personas, rounds) visible under tests/."""

pytest_plugins = ["phieukin.conftest"]
