#!/usr/bin/env node
'use strict';
// A command is one pass that keeps most of what it allocates (a scenario, its plan). A young
// generation left to grow to 16 MB copies all of that back and forth and touches 32 MB of fresh
// pages; kept at its 1 MB start, what survives moves to the old generation at once (~10 % of
// `barplane plan` on 30k BARs). The growth factor is read at each growth, so it can be set here.
require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
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
