import { Controller, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** A controller whose routes need a bearer token (BearerAuthGuard): its path and its OpenAPI tag. */
export const BearerController = (path: string, tag: string) =>
  applyDecorators(ApiTags(tag), ApiBearerAuth(), Controller(path));
