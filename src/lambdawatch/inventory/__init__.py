"""Offline inventories a user exports without giving the tool credentials (``--lambda-inventory``)."""

from lambdawatch.inventory.lambda_inventory import (
    FunctionInfo,
    LambdaInventory,
    load_lambda_inventory,
)

__all__ = ["FunctionInfo", "LambdaInventory", "load_lambda_inventory"]
