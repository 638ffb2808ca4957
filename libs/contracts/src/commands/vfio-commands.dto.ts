import { IsBdf } from '../validation/is-bdf.decorator';
import { Required } from '../validation/required';

/** Data of BindFunction and UnbindFunction on vfio.commands. */
export class FunctionRefDto {
  @Required()
  @IsBdf()
  bdf!: string;
}
