#!/usr/bin/env node
// The `syscall-counter` command of a checkout (node_modules/.bin/syscall-counter after npm ci):
// committed so npm can link it before anything is built; the CLI itself is the built dist/main.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS launcher
require('../dist/main.js')
  .main(process.argv)
  .then((code) => (process.exitCode = code));
