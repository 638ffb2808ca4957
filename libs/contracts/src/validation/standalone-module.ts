import * as keywordChecks from './shape-keyword-checks';

/**
 * Loads standalone validator code (shape-check-code.ts) from a string, as the build's
 * generated file would be loaded, with `./shape-keyword-checks` resolved to this build's module:
 * for specs, which run from the sources where no generated file exists.
 */
export function loadStandaloneCheck(code: string): (body: unknown) => boolean {
  const module = { exports: {} as unknown };
  const resolve = (id: string): unknown => (id === './shape-keyword-checks' ? keywordChecks : require(id));
  new Function('require', 'module', 'exports', code)(resolve, module, module.exports);
  const validate = module.exports as (body: unknown) => boolean;
  return (body) => validate(body) === true;
}
