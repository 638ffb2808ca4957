#!/usr/bin/env node
'use strict';
// Runs the compiled CLI; `npm ci` builds it (the `prepare` script).
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write('barplane: not built yet; run `npm run build` (npm ci does it)\n');
    process.exit(1);
  }
  throw error;
}
void cli.main(process.argv);
