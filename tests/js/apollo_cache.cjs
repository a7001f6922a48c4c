// Apollo Client (the npm package, in Node) against a running hub: send each query of the input
// in turn from the network into one InMemoryCache, then read the first back from the cache.
//
//   node apollo_cache.cjs INPUT.json
//
// INPUT: {"hub": "http://127.0.0.1:PORT", "config": true|false, "queries": ["query A …", …]}
// With "config", the cache is built from GET /graphql/client-cache.json, as a frontend does.
// Prints one JSON object: the requests sent and the hub's answers (as received), the first
// query read back from the cache, and every console.warn and console.error Apollo wrote.
// Its packages come from package-lock.json (npm ci, outside the repository; NODE_PATH).
"use strict";

const fs = require("node:fs");
const { messages } = require("./apollo_messages.cjs");

const { ApolloClient, HttpLink, InMemoryCache, gql } = require("@apollo/client/core");
const { version } = require("@apollo/client/package.json");

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const out = { apolloClient: version, requests: [], answers: [], results: [] };
  let options = {};
  if (input.config) {
    const response = await fetch(`${input.hub}/graphql/client-cache.json`);
    out.configStatus = response.status;
    options = await response.json();
  }
  const recordingFetch = async (url, init) => {
    out.requests.push(JSON.parse(init.body));
    const response = await fetch(url, init);
    out.answers.push(JSON.parse(await response.clone().text()));
    return response;
  };
  const client = new ApolloClient({
    link: new HttpLink({ uri: `${input.hub}/graphql`, fetch: recordingFetch }),
    cache: new InMemoryCache(options),
  });
  for (const query of input.queries) {
    const result = await client.query({ query: gql(query), fetchPolicy: "network-only" });
    out.results.push(result.data);
  }
  out.reread = client.readQuery({ query: gql(input.queries[0]) });
  out.messages = messages;
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
