#!/usr/bin/env node
// CLI: node scripts/infra.mjs up|down|status — see scripts/infra/index.mjs.
import { down, status, up } from './infra/index.mjs';

const commands = { up, down, status };
const cmd = commands[process.argv[2]];
if (!cmd) {
  console.error('usage: node scripts/infra.mjs up|down|status');
  process.exit(2);
}
try {
  await cmd({ quiet: false });
  // kafkajs/pg may leave sockets or timers behind; the work is done, so exit explicitly.
  process.exit(0);
} catch (err) {
  console.error(`infra ${process.argv[2]} failed: ${err.message}`);
  process.exit(1);
}
