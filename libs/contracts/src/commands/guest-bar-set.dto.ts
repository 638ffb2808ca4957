import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateIf, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsU64, U64Json } from '../validation/is-u64.decorator';
import { BarIndex, Required, RequiredBdf, RequiredId } from '../validation/required';

/**
 * Entries one ProgramGuestBars may hold. 4096 entries make a command of about 260 KB and a
 * GuestBarsProgrammed event of about 320 KB; the event travels twice in its message (its data
 * and the answer riding on it), which stays under BARPLANE_MAX_MESSAGE_BYTES' default 1,000,000.
 */
export const MAX_GUEST_BARS = 4096;

/** One BAR of a guest BAR set; `address` null: the guest has not mapped it (QMP query-pci's -1). */
// The OpenAPI schema says what the conditional rules below mean: address is required and may be null.
@JSONSchema((schema) => ({ ...schema, required: [...(schema.required ?? []), 'address'] }))
export class GuestBarSettingDto {
  @RequiredBdf()
  bdf!: string;

  @BarIndex()
  index!: number;

  @JSONSchema(({ not: _notNull, ...schema }) => ({
    oneOf: [schema, { type: 'null', description: 'the guest has not mapped the BAR (QMP -1)' }],
  }))
  @ValidateIf((o: GuestBarSettingDto) => o.address !== null)
  @Required()
  @IsU64({
    message:
      'must be a 64-bit value ("0x..." hex, a decimal string, or a JSON integer below 2^53, in [0, 2^64)), or null for a BAR the guest has not mapped',
  })
  address!: U64Json | null;
}

/** The body of PUT /v1/vms/{vmId}/guest-bars (vmId, when given, must be the path's). */
export class GuestBarSetDto {
  @Required()
  @IsArray()
  @ArrayMaxSize(MAX_GUEST_BARS, { message: `holds at most ${MAX_GUEST_BARS} entries (MAX_GUEST_BARS) in one request` })
  @ValidateNested({ each: true })
  @Type(() => GuestBarSettingDto)
  bars!: GuestBarSettingDto[];
}

/** ProgramGuestBars on guest.commands: a VM's guest BAR set, all or nothing. */
export class ProgramGuestBarsDto extends GuestBarSetDto {
  @RequiredId()
  vmId!: string;
}
