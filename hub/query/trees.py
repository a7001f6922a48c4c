"""A disclosure's classification tree, built in memory from its budget lines.

A table's lines for one disclosure number in the tens or hundreds, so the whole table is read in
one query and every node's children and computed amounts come from memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from hub.domain import MEASURES, LineKind, Measure, level_of, nearest_ancestor, parent_of
from hub.store.entities import BudgetLine

__all__ = ["TreeNode", "build_tree", "sum_amounts", "walk"]

Amounts = dict[Measure, int | None]


def sum_amounts(parts: list[Amounts]) -> Amounts:
    """Column by column; a column blank in every part stays blank (None), never 0."""
    return {
        m: None if all(p[m] is None for p in parts) else sum(p[m] or 0 for p in parts)
        for m, _ in MEASURES
    }


@dataclass
class TreeNode:
    """A classification node of one disclosure: what it states and what its leaves sum to."""

    line: BudgetLine
    children: list[TreeNode] = field(default_factory=list)
    parent: TreeNode | None = None
    views: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """What the API made of this node, kept with it for as long as the node lives (in the read
    model, one data version): made once, not once per request."""

    @cached_property
    def stated(self) -> Amounts:
        return self.line.amounts()

    def leaves(self) -> list[TreeNode]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    @cached_property
    def computed(self) -> Amounts:
        """The sum of the node's leaves (a leaf's own stated amounts)."""
        return sum_amounts([leaf.stated for leaf in self.leaves()])


def build_tree(lines: list[BudgetLine]) -> list[TreeNode]:
    """The 类 nodes of a table, in printed order, each with its descendants.

    A table that prints leaf rows only (项, no 类 or 款 subtotals) still drills 类 → 款 → 项: the
    ancestors it does not print are nodes with nothing stated, their computed amounts the sum of
    their leaves (:meth:`TreeNode.computed`)."""
    subjects = [
        line
        for line in sorted(lines, key=lambda line: line.ordinal)
        if line.kind is LineKind.SUBJECT and line.code
    ]
    printed = {line.code for line in subjects}
    nodes: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []

    def attach(node: TreeNode, code: str) -> None:
        parent = parent_of(code)
        if parent is not None and parent not in printed and parent not in nodes:
            attach(TreeNode(_unprinted(node.line, parent)), parent)
        parent_code = nearest_ancestor(code, nodes)
        nodes[code] = node
        if parent_code is None:
            roots.append(node)
        else:
            node.parent = nodes[parent_code]
            node.parent.children.append(node)

    for line in subjects:
        assert line.code is not None
        attach(TreeNode(line), line.code)
    return roots


def _unprinted(child: BudgetLine, code: str) -> BudgetLine:
    """A node the table does not print: no id, nothing stated."""
    return BudgetLine(
        disclosure_id=child.disclosure_id,
        table=child.table,
        ordinal=0,
        kind=LineKind.SUBJECT,
        scheme=child.scheme,
        code=code,
        level=level_of(code),
        printed_name="",
    )


def walk(roots: list[TreeNode]) -> list[TreeNode]:
    """Every node of the trees, depth first."""
    return [node for root in roots for node in (root, *walk(root.children))]
