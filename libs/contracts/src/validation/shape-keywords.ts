import { CodeKeywordDefinition, KeywordCxt, _ } from 'ajv';
import { getProperty } from 'ajv/dist/compile/codegen';
import * as checks from './shape-keyword-checks';

/**
 * `@IsDefined`'s null half (`required` is its undefined half). The stock `not: {type: "null"}`
 * means the same, but ajv's code for `not` builds an error object for every value that is not
 * null: 17 MB of garbage on a 30,000-BAR scenario.
 */
const NOT_NULL: CodeKeywordDefinition = {
  keyword: 'notNull',
  schemaType: 'boolean',
  code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data} === null`),
};

/**
 * The project's schema keywords (dto-schema.ts writes them for @IsU64, @IsBdf, @IsId), as
 * generated code calling the decorators' own checks: in a validator compiled at run time the
 * function itself, in one compiled at build time (standalone code) a require of the module that
 * holds it, so both check exactly what class-validator checks.
 */
export const SHAPE_KEYWORDS: CodeKeywordDefinition[] = [
  keyword('u64', 'isU64Json'),
  keyword('bdf', 'isBdfText'),
  keyword('barplaneId', 'isBarplaneIdText'),
  NOT_NULL,
];

function keyword(name: string, check: keyof typeof checks): CodeKeywordDefinition {
  return {
    keyword: name,
    schemaType: 'boolean',
    code(cxt: KeywordCxt) {
      const fn = cxt.gen.scopeValue('keyword', {
        ref: checks[check],
        code: _`require("./shape-keyword-checks")${getProperty(check)}`,
      });
      cxt.fail(_`!${fn}(${cxt.data})`);
    },
  };
}
