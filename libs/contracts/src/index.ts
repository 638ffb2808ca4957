// class-transformer's @Type needs the Reflect metadata API before any DTO is declared.
import 'reflect-metadata';
export * from './validation/exact-json';
export * from './validation/is-bdf.decorator';
export * from './validation/is-u64.decorator';
export * from './validation/validation-problems';
export * from './scenario/address-range.dto';
export * from './scenario/bar.dto';
export * from './scenario/function.dto';
export * from './scenario/guest-bar.dto';
export * from './scenario/host.dto';
export * from './scenario/kernel.dto';
export * from './scenario/msix.dto';
export * from './scenario/pe.dto';
export * from './scenario/phb.dto';
export * from './scenario/read-scenario';
export * from './scenario/scenario-from-dto';
export * from './scenario/scenario.dto';
export * from './scenario/vm.dto';
