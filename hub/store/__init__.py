"""Layer 3, ``store``: SQLModel entities, the database, migrations and loading."""
