"""What a normalising client cache (Apollo Client's ``InMemoryCache``) needs to know about the
schema, made from the schema itself: ``possibleTypes`` and ``typePolicies``.

``possibleTypes`` lists the object types of every interface and union (``Node``), so that
fragments on them match. ``typePolicies`` gives ``merge: true`` to every object type a query
reaches only through another object: the values without an id (page info, connections and
their edges, ``seenIn``) and the parts of a node (amounts, 三公, source, withdrawal, …). Two
queries that select different fields of such a value then add up in the cache instead of the
second replacing the first (Apollo's "Cache data may be lost when replacing the … field"). An
object that has an id and a query selects it is normalised by that id as before
(``Type:id``; the hub's ids are global and stable, so no ``keyFields`` are needed).

The types a root field looks up (a disclosure, a department, a subject, a rollup node, a change,
directly or as the nodes of a connection) get no policy: what such a field points to may be
another object tomorrow (the next version of a disclosure), so a client selects their ``id``
and the cache keeps each version apart rather than mixing two field by field.

The result is plain JSON, spread straight into ``new InMemoryCache({...})``.
"""

from __future__ import annotations

import json
from typing import Any

import strawberry
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

__all__ = ["client_cache_config", "client_cache_json", "looked_up_types", "value_types"]


def _graphql(schema: strawberry.Schema | GraphQLSchema | None) -> GraphQLSchema:
    if schema is None:
        from hub.api.schema import schema as served

        schema = served
    return schema if isinstance(schema, GraphQLSchema) else schema._schema


def _roots(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    return [t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t]


def _objects(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    roots = {t.name for t in _roots(schema)}
    return [
        t
        for name, t in sorted(schema.type_map.items())
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and name not in roots
    ]


def _connection_node(named: GraphQLNamedType) -> GraphQLNamedType | None:
    """The type of a connection's nodes (``edges { node }``), if ``named`` is a connection."""
    if not isinstance(named, GraphQLObjectType) or "edges" not in named.fields:
        return None
    edge = get_named_type(named.fields["edges"].type)
    if not isinstance(edge, GraphQLObjectType) or "node" not in edge.fields:
        return None
    node: GraphQLNamedType = get_named_type(edge.fields["node"].type)
    return node


def looked_up_types(schema: strawberry.Schema | GraphQLSchema | None = None) -> list[str]:
    """The object types with an id that a root field returns, directly or as a connection's
    nodes (an interface a root field returns, such as ``node(id:)``'s, does not count)."""
    graphql = _graphql(schema)
    found: set[str] = set()
    for root in _roots(graphql):
        for field in root.fields.values():
            named = get_named_type(field.type)
            for candidate in (named, _connection_node(named)):
                if isinstance(candidate, GraphQLObjectType) and "id" in candidate.fields:
                    found.add(candidate.name)
    return sorted(found)


def value_types(schema: strawberry.Schema | GraphQLSchema | None = None) -> list[str]:
    """The object types the cache merges field by field: every one but the root types and the
    looked-up ones (so every object type without an id)."""
    graphql = _graphql(schema)
    entities = set(looked_up_types(graphql))
    return [t.name for t in _objects(graphql) if t.name not in entities]


def client_cache_config(schema: strawberry.Schema | GraphQLSchema | None = None) -> dict[str, Any]:
    """``{"possibleTypes": …, "typePolicies": …}`` for ``new InMemoryCache(config)``; of the
    hub's schema unless another is given."""
    graphql = _graphql(schema)
    possible: dict[str, list[str]] = {}
    for name, named in sorted(graphql.type_map.items()):
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType) and not name.startswith("__"):
            possible[name] = sorted(t.name for t in graphql.get_possible_types(named))
    return {
        "possibleTypes": possible,
        "typePolicies": {name: {"merge": True} for name in value_types(graphql)},
    }


def client_cache_json(schema: strawberry.Schema | GraphQLSchema | None = None) -> str:
    """The configuration as JSON text, keys sorted, as ``hub schema --apollo-cache-config``
    prints it and ``/graphql/client-cache.json`` serves it."""
    return json.dumps(client_cache_config(schema), indent=2, sort_keys=True) + "\n"
