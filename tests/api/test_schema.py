from pathlib import Path

from hub.api.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_in_sync_with_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `hub schema -o schema.graphql`"
    )


def test_every_type_and_field_is_described() -> None:
    from graphql import GraphQLObjectType

    from hub.api.schema import schema

    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        assert graphql_type.description, name
        for field_name, field in graphql_type.fields.items():
            assert field.description, f"{name}.{field_name}"
