import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { idProblem, parseBdf } from '@barplane/domain';
import { BarplaneError } from '@barplane/contracts';

/** Route parameters that are ids, checked once for every route (domain `idProblem`). */
const ID_PARAMS = new Set(['hostId', 'peId', 'vmId', 'commandId']);

/**
 * Refuses a malformed id or BDF in the path with a 400 naming it, before a controller can
 * send it to Kafka or PostgreSQL (a NUL in a path id reached the database; a lone surrogate
 * made a command no service could decode, pending for ever).
 */
@Injectable()
export class IdParamPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type !== 'param' || typeof value !== 'string' || !meta.data) return value;
    if (ID_PARAMS.has(meta.data)) {
      const problem = idProblem(value);
      if (problem) throw BarplaneError.invalid([{ path: meta.data, message: problem }]);
    } else if (meta.data === 'bdf') {
      const parsed = parseBdf(value);
      if (!parsed.ok) throw BarplaneError.invalid([{ path: 'bdf', message: parsed.problem }]);
    }
    return value;
  }
}
