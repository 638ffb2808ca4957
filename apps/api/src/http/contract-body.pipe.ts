import { PipeTransform } from '@nestjs/common';
import { BarplaneError, BodyRead, readBody } from '@barplane/contracts';
import { Problem } from '@barplane/domain';
import { inexactIn } from './exact-json.middleware';

type Reader<T> = (body: unknown, inexact: readonly Problem[]) => BodyRead<T>;

/**
 * A request body validated with libs/contracts before the controller sees it: the controller
 * gets a typed value, or the request is a 400 listing every problem at its JSON path (numbers
 * the exact parser refused included). `@Body(ContractBodyPipe.of(HostDto)) host: HostDto`.
 */
export class ContractBodyPipe<T> implements PipeTransform<unknown, T> {
  private constructor(private readonly read: Reader<T>) {}

  /** Validated against a DTO class, unknown fields refused. */
  static of<T extends object>(dto: new () => T): ContractBodyPipe<T> {
    return new ContractBodyPipe((body, inexact) => readBody(dto, body, inexact));
  }

  /**
   * The same, also taking a bare array as `{ [field]: array }` (an older form of a body); its
   * problems are named at the array's own paths (`[3].address`), as its sender wrote it.
   */
  static orBareArray<T extends object>(dto: new () => T, field: string): ContractBodyPipe<T> {
    return new ContractBodyPipe((body, inexact) => {
      if (!Array.isArray(body)) return readBody(dto, body, inexact);
      const read = readBody(
        dto,
        { [field]: body },
        inexact.map((p) => ({ ...p, path: p.path === '$' ? field : `${field}${p.path}` })),
      );
      return read.ok ? read : { ok: false, problems: read.problems.map((p) => bareArrayPath(p, field)) };
    });
  }

  /** Validated by a reader of libs/contracts or libs/importers that does more than a DTO (cross-field rules). */
  static by<T>(read: Reader<T>): ContractBodyPipe<T> {
    return new ContractBodyPipe(read);
  }

  transform(body: unknown): T {
    const read = this.read(body, inexactIn(body));
    if (!read.ok) throw BarplaneError.invalid(read.problems);
    return read.value;
  }
}

/** `bars[3].address` -> `[3].address`, `bars` -> `$`: a problem of a bare array at its own path. */
export function bareArrayPath(p: Problem, field: string): Problem {
  return p.path === field
    ? { ...p, path: '$' }
    : p.path.startsWith(`${field}[`)
      ? { ...p, path: p.path.slice(field.length) }
      : p;
}
