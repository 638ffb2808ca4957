import { OpenAPIObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import '@barplane/contracts';
import { MAX_ID_LENGTH } from '@barplane/domain';

/**
 * The request bodies' schemas, generated from the same class-validator DTOs that validate
 * them (libs/contracts), so the OpenAPI document cannot drift from what the API accepts.
 */
export function addDtoSchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      isU64: {
        type: 'string',
        pattern: '^(0x[0-9a-fA-F]+|[0-9]+)$',
        description: 'a 64-bit value: "0x..." hex (or a decimal string; a JSON integer below 2^53 is also accepted)',
      },
      isId: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_ID_LENGTH,
        description: 'an id: not blank, no control characters, well-formed Unicode',
      },
      isBdf: {
        type: 'string',
        pattern: '^([0-9a-fA-F]{1,8}:)?[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}\\.[0-9a-fA-F]{1,2}$',
        description: 'PCI function dddd:bb:dd.f',
      },
    },
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(schemas as Record<string, object>) },
  };
  return document;
}
