import { BarplaneError } from '@barplane/contracts';
import { idProblem, Problem } from '@barplane/domain';
import { AuthenticatedRequest } from '../auth/bearer-auth.guard';
import { CommandGateway, CommandReply } from './command-gateway';
import { CommandType } from '@barplane/contracts';

/** Sends one command for an HTTP request: principal, Idempotency-Key, If-Match, correlation id. */
export async function sendFor(
  gateway: CommandGateway,
  req: AuthenticatedRequest,
  type: CommandType,
  hostId: string,
  data: Record<string, unknown>,
  paths: (p: Problem) => Problem = (p) => p,
): Promise<CommandReply> {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  // The body was validated by its pipe (ContractBodyPipe), refused numbers included: the headers are left.
  const problems: Problem[] = [];
  const ifMatch = header('if-match')?.replace(/^W\//, '').replace(/"/g, '');
  if (ifMatch !== undefined && !/^\d+$/.test(ifMatch)) {
    problems.push({ path: 'If-Match', message: 'must be the stream version the change is based on, e.g. "3"' });
  }
  // Both are stored and logged with the command: bounded, printable, well-formed like an id.
  for (const name of ['Idempotency-Key', 'X-Correlation-Id']) {
    const value = header(name.toLowerCase());
    const problem = value === undefined ? undefined : idProblem(value);
    if (problem) problems.push({ path: name, message: problem });
  }
  if (problems.length > 0) throw BarplaneError.invalid(problems);
  try {
    return await gateway.send({
      type,
      hostId,
      data,
      principal: req.principal!,
      idempotencyKey: header('idempotency-key'),
      correlationId: header('x-correlation-id'),
      expectedVersion: ifMatch,
    });
  } catch (error) {
    if (error instanceof BarplaneError && error.code === 'VALIDATION')
      throw new BarplaneError('VALIDATION', error.message, error.problems.map(paths));
    throw error;
  }
}
