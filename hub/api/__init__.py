"""Layer 5, ``api``: the GraphQL schema (strawberry types and resolvers)."""
