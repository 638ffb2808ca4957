import { IsDefined } from 'class-validator';

/** A required field; its message replaces the type messages of a missing value. */
export const Required = () => IsDefined({ message: 'is required' });
