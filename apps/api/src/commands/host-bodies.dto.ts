import { IsIn, IsOptional } from 'class-validator';
import { ALIGNMENT_OVERRIDES, AlignmentOverride } from '@barplane/domain';
import { IsU64, Required, RequiredU64, U64Json } from '@barplane/contracts';

/**
 * Bodies of the host routes whose fields differ from their command's data (libs/contracts):
 * the path names the PE or the BAR, the body says what changes.
 */
export class AlignmentBodyDto {
  @Required()
  @IsIn(ALIGNMENT_OVERRIDES)
  override!: AlignmentOverride;
}

/** A BAR moved on the host; `size`, if given, must be the current one (a resize is a topology import). */
export class BarMoveBodyDto {
  @RequiredU64()
  address!: U64Json;

  @IsOptional()
  @IsU64()
  size?: U64Json;
}
