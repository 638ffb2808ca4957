// Every DTO imports this file, so the Reflect metadata API that class-transformer's @Type
// needs is loaded before any DTO class is declared.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsInt, IsOptional, IsString, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IsBdf } from './is-bdf.decorator';
import { IsId } from './is-id.decorator';
import { IsU64 } from './is-u64.decorator';

/** A required field; its message replaces the type messages of a missing value. */
export const Required = () => IsDefined({ message: 'is required' });

/** Decorators written out one above the other, given bottom first: the order TypeScript applies them in. */
function applied(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, propertyName) => decorators.forEach((decorate) => decorate(target, propertyName));
}

/** A required id: `@Required() @IsString() @IsId()`. */
export const RequiredId = () => applied(IsId(), IsString(), Required());

/** A required BDF: `@Required() @IsBdf()`. */
export const RequiredBdf = () => applied(IsBdf(), Required());

/** A required 64-bit value: `@Required() @IsU64()`. */
export const RequiredU64 = () => applied(IsU64(), Required());

/** A required BAR index, 0..5 or 6 for the ROM: `@Required() @IsInt() @Min(0) @Max(6)`. */
export const BarIndex = () => applied(Max(6), Min(0), IsInt(), Required());

/** An optional nested object of a DTO class: `@IsOptional() @ValidateNested() @Type(() => Dto)`. */
export const OptionalNested = (dto: () => new () => object) => applied(Type(dto), ValidateNested(), IsOptional());

/** An optional list of a DTO class: `@IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => Dto)`. */
export const OptionalList = (dto: () => new () => object) =>
  applied(Type(dto), ValidateNested({ each: true }), IsArray(), IsOptional());

/** A PE's id, required unless `bdf` names one of its functions. */
export const PeIdUnlessBdf = () =>
  applied(
    IsId(),
    IsString(),
    IsDefined({ message: 'is required unless bdf names one of its functions' }),
    ValidateIf((o: { bdf?: string }) => o.bdf === undefined),
  );
