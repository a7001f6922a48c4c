"""Budget Hub: a GraphQL data hub for department budget disclosures (部门预算公开)."""

__version__ = "0.1.0"
