// Apollo Client (the npm package, in Node) with Apollo's persisted-query link, sending hashed
// queries by GET, through a fetch that caches as a browser or a proxy does: it keeps each GET
// answer with its ETag and asks again with If-None-Match, taking its kept answer on a 304.
//
//   node apollo_persisted.cjs INPUT.json
//
// INPUT: {"hub": "http://127.0.0.1:PORT", "query": "query …", "clients": N,
//         "httpCache": "FILE"}  (the HTTP cache, kept in FILE from one run to the next)
// Each of N clients, with an InMemoryCache of its own, asks the query from the network.
// Prints one JSON object: each exchange (method, whether the query text was sent, the
// If-None-Match sent, the status and ETag answered), each client's data, and every
// console.warn and console.error Apollo wrote.
// Its packages come from package-lock.json (npm ci, outside the repository; NODE_PATH).
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const { messages } = require("./apollo_messages.cjs");

const { ApolloClient, HttpLink, InMemoryCache, gql } = require("@apollo/client/core");
const { createPersistedQueryLink } = require("@apollo/client/link/persisted-queries");

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const kept = fs.existsSync(input.httpCache)
    ? JSON.parse(fs.readFileSync(input.httpCache, "utf8"))
    : {};
  const out = { exchanges: [], data: [] };

  const cachingFetch = async (url, init) => {
    const method = (init.method || "GET").toUpperCase();
    const sent = method === "GET" ? new URL(url).searchParams.get("query") : JSON.parse(init.body).query;
    const headers = new Headers(init.headers);
    const before = method === "GET" ? kept[url] : undefined;
    if (before) headers.set("if-none-match", before.etag);
    const response = await fetch(url, { ...init, headers });
    out.exchanges.push({
      method,
      withQuery: Boolean(sent),
      ifNoneMatch: before ? before.etag : null,
      status: response.status,
      etag: response.headers.get("etag"),
      cacheControl: response.headers.get("cache-control"),
    });
    if (response.status === 304 && before) {
      return new Response(before.body, {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }
    const body = await response.text();
    if (method === "GET" && response.status === 200 && response.headers.get("etag")) {
      kept[url] = { etag: response.headers.get("etag"), body };
    }
    return new Response(body, { status: response.status, headers: response.headers });
  };

  const sha256 = (text) => crypto.createHash("sha256").update(text).digest("hex");
  for (let n = 0; n < input.clients; n += 1) {
    const client = new ApolloClient({
      link: createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
        new HttpLink({ uri: `${input.hub}/graphql`, fetch: cachingFetch }),
      ),
      cache: new InMemoryCache(),
    });
    const result = await client.query({ query: gql(input.query), fetchPolicy: "network-only" });
    out.data.push(result.data);
  }
  fs.writeFileSync(input.httpCache, JSON.stringify(kept));
  out.messages = messages;
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
