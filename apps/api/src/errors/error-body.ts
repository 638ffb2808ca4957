import { Problem } from '@barplane/domain';

/** The error shape of docs/api.md, the same for every status. */
export interface ErrorBody {
  error: string;
  message: string;
  problems: readonly Problem[];
  correlationId?: string;
}
