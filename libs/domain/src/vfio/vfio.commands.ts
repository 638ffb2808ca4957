/** Commands of the vfio-regions aggregate (stream `vfio-<hostId>`), control-plane.md. */
export type BindFunction = { readonly type: 'BindFunction'; readonly data: { readonly bdf: string } };
export type UnbindFunction = { readonly type: 'UnbindFunction'; readonly data: { readonly bdf: string } };

export type VfioCommand = BindFunction | UnbindFunction;
