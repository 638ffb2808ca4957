import { VfioRegion } from './vfio-region';

/** Events of the vfio-regions aggregate (stream `vfio-<hostId>`), control-plane.md. */
export type FunctionBound = {
  readonly type: 'FunctionBound';
  readonly data: { readonly bdf: string; readonly regions: readonly VfioRegion[] };
};
export type FunctionUnbound = { readonly type: 'FunctionUnbound'; readonly data: { readonly bdf: string } };

export type VfioEvent = FunctionBound | FunctionUnbound;
