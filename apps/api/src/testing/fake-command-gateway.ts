import { AnswerStatus, Envelope, SCHEMA_VERSION } from '@barplane/contracts';
import { Problem } from '@barplane/domain';
import { Provider } from '@nestjs/common';
import { CommandGateway, CommandReply, CommandRequest, checkCommand } from '../commands/command-gateway';

/** What the owner answers a command sent through the fake gateway. */
export type FakeAnswer = (req: CommandRequest) => CommandReply;

const answerOf = (
  status: AnswerStatus,
  req: Pick<CommandRequest, 'hostId'>,
  data: Record<string, unknown>,
): CommandReply => {
  const answer: Envelope = {
    id: 'answer-1',
    type: 'CommandAnswer',
    schemaVersion: SCHEMA_VERSION,
    hostId: req.hostId,
    correlationId: 'corr-1',
    principal: 'owner',
    data,
  };
  return { status, commandId: 'cmd-1', correlationId: 'corr-1', answer };
};

/** The owner applied the command with one event named after it (`RegisterHost` -> `RegisterHostApplied`). */
export const applied: FakeAnswer = (req) =>
  answerOf('applied', req, {
    streamVersion: '1',
    events: [{ id: 'ev-1', type: `${req.type}Applied`, data: req.data }],
  });

/** The owner refused it with a domain code (VALIDATION, NOT_FOUND, CONFLICT, ILLEGAL_STATE, FAILED). */
export const rejected =
  (code: string, message: string, problems: Problem[] = []): FakeAnswer =>
  (req) =>
    answerOf('rejected', req, { code, message, problems });

/** No answer within the wait. */
export const pending: FakeAnswer = () => ({ status: 'pending', commandId: 'cmd-1', correlationId: 'corr-1' });

/**
 * CommandGateway without Kafka or PostgreSQL: it checks the command's data with the same
 * contract the real one does (so a controller that builds a bad command fails its spec),
 * records what was sent, and answers as told.
 */
export class FakeCommandGateway {
  readonly sent: CommandRequest[] = [];
  answer: FakeAnswer = applied;
  /** What GET /v1/commands/{id} finds; undefined: nothing recorded yet. */
  recorded?: CommandReply;
  knownIds = new Set<string>();

  /** This fake in the place of the CommandGateway, for a controller kit's providers. */
  asProvider(): Provider {
    return { provide: CommandGateway, useValue: this };
  }

  async send(req: CommandRequest): Promise<CommandReply> {
    checkCommand(req);
    this.sent.push(req);
    return this.answer(req);
  }

  async outcome(commandId: string, correlationId: string): Promise<CommandReply> {
    return this.recorded ?? { status: 'pending', commandId, correlationId };
  }

  async known(commandId: string): Promise<boolean> {
    return this.knownIds.has(commandId);
  }
}
