import type { AdviceJson } from '@barplane/domain/explain/reason-sentences';
import type { components } from './openapi.generated';

// The answers the dashboard reads. Those the OpenAPI document describes come from it
// (openapi.generated.ts, written by openapi-typescript and checked by
// ../openapi-types.spec.ts); audit and me, which it does not describe yet, are the fields
// this page uses.

type Schemas = components['schemas'];
export type FleetWire = Schemas['FleetDto'];
export type FleetPeWire = Schemas['FleetPeDto'];
export type HostWire = Schemas['HostViewDto'];
export type PeWire = Schemas['PeViewDto'];
export type PeFunctionWire = PeWire['functions'][number];
export type DecisionWire = Schemas['DecisionDto'];
export type VmWire = Schemas['VmViewDto'];
export type ScenarioWire = Schemas['ScenarioDto'];
export type PlanAnswer = Schemas['PlanDto'];
export type BarDecisionWire = Schemas['PlanBarDto'];

/**
 * The document has one advice object with every kind's fields optional; the sentences take
 * the union by kind (the API sends exactly one kind's fields, libs/domain adviceToJson).
 */
export const asAdvice = (a: Schemas['PlanAdviceDto']): AdviceJson => a as AdviceJson;

/** An audit record as GET /v1/audit lists it (only the fields shown). */
export interface AuditRow {
  seq: number;
  recordedAt: string;
  hash: string;
  record: { subject?: DecisionSubject; outcome?: Outcome; previous?: Outcome | null; principal?: string | null };
}

export interface AuditVerify {
  ok: boolean;
  records: number;
  failure?: { hostId: string; seq: number; problem?: string };
}

export interface Me {
  roles: string[];
}

/** What a decision is about: a BAR, or a PE's alignment. */
export interface DecisionSubject {
  kind?: 'bar' | 'pe';
  pe?: string;
  bdf?: string;
  index?: number;
}

/** A BAR outcome has a mode; a PE's alignment a policy and the override that applied. */
export interface Outcome {
  mode?: string;
  policy?: string;
  override?: string;
  reasons?: string[];
}

/** One event of GET /v1/decisions/stream. */
export interface DecisionEvent {
  hostId: string;
  subject?: DecisionSubject;
  outcome?: Outcome;
  previous?: Outcome | null;
  principal?: string | null;
}
