import { ValidationError } from 'class-validator';
import { Problem } from '@barplane/domain';

const INDEX = /^\d+$/;

/** class-validator's error tree as flat problems with JSON paths (`pes[0].functions[1].bdf`). */
export function validationProblems(errors: readonly ValidationError[], parent = ''): Problem[] {
  const problems: Problem[] = [];
  for (const error of errors) {
    const path = INDEX.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const constraints = error.constraints ?? {};
    if (constraints.isDefined) problems.push({ path, message: constraints.isDefined });
    else if (constraints.whitelistValidation) problems.push({ path, message: 'is not a known field' });
    else
      for (const message of Object.values(constraints))
        problems.push({ path, message: stripProperty(message, error.property) });
    if (error.children?.length) problems.push(...validationProblems(error.children, path));
  }
  return problems;
}

/** Built-in messages start with the property name, which the path already says. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(property + ' ') ? message.slice(property.length + 1) : message;
}
