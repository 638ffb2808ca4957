import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';

// pg returns numeric as a string; converting through Number would lose bits above 2^53, so the
// column maps exactly between a decimal string and a native bigint.
export const bigintDecimal: ValueTransformer = {
  to: (v?: bigint | null) => (v == null ? v : v.toString()),
  from: (s?: string | null) => (s == null ? s : BigInt(s)),
};

/** Smoke-test only: a 64-bit unsigned address (e.g. a PCI BAR base) stored as numeric(20,0). */
@Entity({ name: 'smoke_address' })
export class SmokeAddressEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: bigintDecimal })
  address!: bigint;
}
