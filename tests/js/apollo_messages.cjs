// What Apollo Client writes, kept instead of printed: each console.warn and console.error, with
// the full text of Apollo's messages, as in development builds (else only a code and a link).
// Required first by the scripts that run Apollo, before Apollo itself is loaded.
"use strict";

const util = require("node:util");

const messages = [];
for (const level of ["warn", "error"]) {
  console[level] = (...args) => {
    messages.push({ level, text: util.format(...args) });
  };
}

const { loadDevMessages, loadErrorMessages } = require("@apollo/client/dev");

loadDevMessages();
loadErrorMessages();

module.exports = { messages };
