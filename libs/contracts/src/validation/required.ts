// Every DTO imports this file, so the Reflect metadata API that class-transformer's @Type
// needs is loaded before any DTO class is declared.
import 'reflect-metadata';
import { IsDefined } from 'class-validator';

/** A required field; its message replaces the type messages of a missing value. */
export const Required = () => IsDefined({ message: 'is required' });
