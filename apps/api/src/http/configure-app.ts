import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { addDtoSchemas } from './openapi-schemas';

/** What main() and the tests both apply to the app: raw JSON bodies, OpenAPI at /docs. */
export function configureApp(app: INestApplication): void {
  // Bodies stay text here; ExactJsonMiddleware parses them without rounding big numbers.
  app.use(express.text({ type: ['application/json', 'application/*+json'], limit: '64mb' }));
  const document = addDtoSchemas(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('barplane')
      .setDescription('VFIO BAR fast-path decisions: facts, decisions with reasons and advice, audit. 64-bit values are "0x..." strings.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  app.enableShutdownHooks();
}
