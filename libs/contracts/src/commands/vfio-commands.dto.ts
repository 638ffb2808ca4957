import { RequiredBdf } from '../validation/required';

/** Data of BindFunction and UnbindFunction on vfio.commands. */
export class FunctionRefDto {
  @RequiredBdf()
  bdf!: string;
}
