"""The GraphiQL page: from this server's copy of its files when it has one, else from the public
CDN, and in either case a message saying what to run when they cannot be loaded; it opens on a
query over a disclosure that is actually in the database."""

from __future__ import annotations

import html
import json
from typing import Any

from strawberry.schema.base import BaseSchema

from hub.api.context import make_context
from hub.app.assets import asset_url, cdn_url, find_asset
from hub.store.engine import Database

__all__ = ["GRAPHIQL_PACKAGES", "cdn_files", "example_query", "page"]

GRAPHIQL_PACKAGES = ("react", "react-dom", "graphiql")

# Loaded in this order; each must have run before the next.
_SCRIPTS = (
    ("react", "react.production.min.js"),
    ("react-dom", "react-dom.production.min.js"),
    ("graphiql", "graphiql.min.js"),
)
_STYLE = ("graphiql", "graphiql.min.css")

# How long the CDN may keep the page waiting before it says why it may never load: a network
# that drops packets, rather than refusing them, fails a script only after minutes.
_PATIENCE_MS = 15_000

_FETCH_HINT = (
    "在运行 hub 的机器上执行 <code>hub assets fetch</code>，然后重新加载本页；"
    "若那台机器也不能上网，"
    "先在能上网的机器上执行 <code>hub assets fetch --keep FOLDER</code>，把 FOLDER 带过去，再执行 "
    "<code>hub assets fetch --from FOLDER</code>。</p><p>"
    "On the machine that runs the hub, run <code>hub assets fetch</code>, then reload this page. "
    "If that machine has no internet either, run <code>hub assets fetch --keep FOLDER</code> "
    "where there is internet, carry FOLDER across and run "
    "<code>hub assets fetch --from FOLDER</code> (README.md, “GraphiQL without internet”)."
)
_API_STILL_WORKS = (
    "<p>API 本身可用 / The API itself works: <code>POST /graphql</code> "
    '{"query": "{ version }"}.</p>'
)
_CDN_FAILED = (
    "<p><strong>GraphiQL 无法从公共 CDN（unpkg.com）加载：这台电脑可能无法访问互联网。"
    "GraphiQL could not be loaded from the public CDN (unpkg.com): this computer may have no "
    f"internet access.</strong></p><p>{_FETCH_HINT}</p>{_API_STILL_WORKS}"
)
_CDN_SLOW = (
    "<p><strong>仍在等待 unpkg.com… Still waiting for unpkg.com…</strong> "
    "若这台电脑不能上网，GraphiQL 无法从那里加载。If this computer has no internet, GraphiQL "
    f"cannot load from there.</p><p>{_FETCH_HINT}</p>"
)
_LOCAL_FAILED = (
    "<p><strong>本服务器上的 GraphiQL 文件无法加载（缺失或被改动）。"
    "GraphiQL's files on this server could not be loaded (missing or altered).</strong></p>"
    "<p>在服务器上执行 <code>hub assets fetch</code>，然后重新加载本页。Run "
    f"<code>hub assets fetch</code> on the server, then reload this page.</p>{_API_STILL_WORKS}"
)


def _script_json(value: object) -> str:
    """``value`` as a JavaScript literal that cannot end the ``<script>`` it sits in."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def cdn_files() -> tuple[str, ...]:
    """The page's files on the CDN, each by its full address: what its Content-Security-Policy
    allows from there (not the whole CDN, which serves anyone's package)."""
    return tuple(cdn_url(package, name) for package, name in (*_SCRIPTS, _STYLE))


def _source(package: str, name: str, local: bool) -> tuple[str, str]:
    url = asset_url(package, name) if local else cdn_url(package, name)
    return html.escape(url), find_asset(package).file(name).integrity


def page(*, local: bool, example: str, nonce: str = "") -> str:
    """The page, loading GraphiQL from this server (``local``) or the CDN, both pinned by
    version and by the sha384 of each file (SRI), so a browser refuses an altered file.
    Its inline scripts carry ``nonce``, the one the response's Content-Security-Policy allows.

    ``example`` is the query shown when GraphiQL has none stored; a query can also be handed
    over in the fragment: ``/graphql#query=…``.
    """
    css, css_integrity = _source(*_STYLE, local)
    scripts = "\n".join(
        f'<script src="{src}" integrity="{integrity}" crossorigin="anonymous"></script>'
        for src, integrity in (_source(package, name, local) for package, name in _SCRIPTS)
    )
    failed = _LOCAL_FAILED if local else _CDN_FAILED
    patience = (
        ""
        if local
        else f"setTimeout(function () {{ say({_script_json(_CDN_SLOW)}); }}, {_PATIENCE_MS});"
    )
    inline = f'<script nonce="{html.escape(nonce)}">' if nonce else "<script>"
    return f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>Budget Hub · GraphiQL</title>
<link rel="stylesheet" href="{css}" integrity="{css_integrity}" crossorigin="anonymous">
<style>
body {{ margin: 0; height: 100vh; }}
#graphiql {{ height: 100vh; }}
#graphiql.hub-message {{ height: auto; max-width: 48em; margin: 2em auto; padding: 0 1em;
  font: 16px/1.6 system-ui, sans-serif; }}
</style>
{inline}
  // Defined before the libraries load, so that a failed one ends in words, not "Loading".
  (function () {{
    var FAILED = {_script_json(failed)};
    var state = {{ rendered: false, failed: false }};
    function say(message) {{
      var element = document.getElementById("graphiql");
      if (state.rendered || state.failed || !element) return;
      element.className = "hub-message";
      element.setAttribute("role", "alert");
      element.innerHTML = message;
    }}
    window.hubGraphiQL = state;
    window.hubGraphiQLFailed = function () {{ say(FAILED); state.failed = true; }};
    // A script that fails to load (or to match its hash) fires "error" on its element; caught
    // here rather than in an onerror attribute, which the Content-Security-Policy forbids.
    window.addEventListener("error", function (event) {{
      if (event.target && event.target.tagName === "SCRIPT") {{ window.hubGraphiQLFailed(); }}
    }}, true);
    {patience}
  }})();
</script>
</head>
<body>
<div id="graphiql">正在加载 GraphiQL… Loading GraphiQL…</div>
{scripts}
{inline}
  if (typeof React === "undefined" || typeof ReactDOM === "undefined"
      || typeof GraphiQL === "undefined") {{
    hubGraphiQLFailed();
  }} else if (!hubGraphiQL.failed) {{
    const element = document.getElementById("graphiql");
    element.textContent = "";  // a "still waiting" note, if the CDN was slow
    element.className = "";
    element.removeAttribute("role");
    hubGraphiQL.rendered = true;
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const fetcher = GraphiQL.createFetcher({{ url: window.location.pathname }});
    ReactDOM.createRoot(element).render(
      React.createElement(GraphiQL, {{
        fetcher,
        defaultEditorToolbarOpen: true,
        defaultQuery: {_script_json(example)},
        query: fragment.get("query") || undefined,
      }})
    );
  }}
</script>
</body>
</html>
"""


_LOADED = """
fragment shown on Disclosure { year department { code name region { code name } } }
{
  department: disclosures(first: 1, scope: DEPARTMENT) { edges { node { ...shown } } }
  any: disclosures(first: 1) { totalCount }
}
"""

_LIST = """\
{
  disclosures(first: 10) {
    totalCount
    edges { node { title year scope department { code name region { code name } } } }
  }
}
"""
_EMPTY = (
    "# 还没有载入任何预算公开：`hub ingest FOLDER` 读入文件。\n"
    "# No disclosure is loaded yet: `hub ingest FOLDER` reads documents into the hub.\n"
    "# This query lists what is loaded. Run it with ▶ (Ctrl-Enter).\n" + _LIST
)
_UNITS_ONLY = (
    "# Only units' own budgets (单位预算) are loaded: this query lists them.\n"
    "# Run it with ▶ (Ctrl-Enter).\n" + _LIST
)


def _literal(text: str) -> str:
    # GraphQL strings escape as JSON does.
    return json.dumps(text, ensure_ascii=False)


def _drill(found: dict[str, Any]) -> str:
    department, region = found["department"], found["department"]["region"]
    name = " ".join(str(department["name"]).split())  # a line break would end the comment
    chosen = department["code"] or department["name"]
    where = region["code"] or region["name"]
    return f"""\
# {name} {found["year"]}：支出功能分类 类 → 款 → 项（一般公共预算支出表）。
# {name} {found["year"]}: expenditure by function, 类 → 款 → 项 (table 5).
# Run it with ▶ (Ctrl-Enter); Ctrl-Space completes a field; Docs lists every field.
{{
  disclosure(department: {_literal(chosen)}, year: {found["year"]}, region: {_literal(where)}) {{
    title
    department {{ code name region {{ name }} }}
    functionalTotal {{ total }}
    functional {{
      code name stated {{ total }} computed {{ total }}
      children {{
        code name stated {{ total }} computed {{ total }}
        children {{ code name stated {{ total }} }}
      }}
    }}
  }}
}}
"""


async def example_query(schema: BaseSchema, database: Database) -> str:
    """A query over data that is loaded: the first current department disclosure drilled
    类 → 款 → 项; a listing of what is loaded when there is no such disclosure."""
    result = await schema.execute(_LOADED, context_value=make_context(database))
    if result.errors or not result.data:
        # The page must open all the same; the query will show the error when run.
        return "# This query lists the disclosures loaded. Run it with ▶ (Ctrl-Enter).\n" + _LIST
    edges = result.data["department"]["edges"]
    if edges:
        return _drill(edges[0]["node"])
    return _EMPTY if result.data["any"]["totalCount"] == 0 else _UNITS_ONLY
