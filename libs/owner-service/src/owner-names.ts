import { namespacedSchema } from '@barplane/eventstore';
import { TOPICS } from '@barplane/messaging/topics';
import type { OwnerDefinition } from './owner-definition';
import { namespacedGroup, namespacedTopic, type OwnerServiceConfig } from './owner-service.config';

/** The names an owner actually uses, namespace applied. */
export interface OwnerNames {
  schema: string;
  commandTopic: string;
  eventTopic: string;
  commandGroup: string;
  /** Present for owners that keep host facts. */
  factsTopic?: string;
  factsGroup?: string;
  reactions: { name: string; topic: string; group: string }[];
}

export function ownerNames(
  config: OwnerServiceConfig,
  definition: Pick<OwnerDefinition, 'usesFacts' | 'reactions'>,
): OwnerNames {
  const ns = config.namespace;
  return {
    schema: namespacedSchema(ns, config.schema),
    commandTopic: namespacedTopic(ns, config.commandTopic),
    eventTopic: namespacedTopic(ns, config.eventTopic),
    commandGroup: namespacedGroup(ns, config.service),
    ...(definition.usesFacts
      ? { factsTopic: namespacedTopic(ns, TOPICS.peEvents), factsGroup: namespacedGroup(ns, `${config.service}-facts`) }
      : {}),
    reactions: (definition.reactions ?? []).map((r) => ({
      name: r.name,
      topic: namespacedTopic(ns, r.topic),
      group: namespacedGroup(ns, `${config.service}-${r.name}`),
    })),
  };
}
