// Command-line options of a benchmark run alone, from its defaults: a number default takes a
// number, a boolean default is a flag (`node scripts/bench/fleet.mjs --hosts 200 --keep`).
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export function cliOptions(defaults) {
  const { values } = parseArgs({
    options: Object.fromEntries(
      Object.entries(defaults).map(([k, d]) => [k, { type: typeof d === 'boolean' ? 'boolean' : 'string' }]),
    ),
  });
  const out = {};
  for (const [k, x] of Object.entries(values)) {
    if (typeof defaults[k] !== 'number') out[k] = x;
    else if (Number.isFinite(Number(x))) out[k] = Number(x);
    else throw new Error(`--${k} must be a number, not ${JSON.stringify(x)}`);
  }
  return { ...defaults, ...out };
}

/** Runs `main(options)` when `url` is the script node was started with; exits 2 on a bad option, 1 on failure. */
export function runWhenMain(url, name, defaults, main) {
  if (process.argv[1] === undefined || url !== pathToFileURL(process.argv[1]).href) return;
  let options;
  try {
    options = cliOptions(defaults);
  } catch (error) {
    console.error(`${name}: ${error.message}`);
    process.exit(2);
  }
  main(options).catch((error) => {
    console.error(`${name} failed: ${error.stack ?? error}`);
    process.exit(1);
  });
}
