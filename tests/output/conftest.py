from tests.analyze.conftest import inventory_file  # noqa: F401 - shared fixture
