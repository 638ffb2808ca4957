import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { API_CONFIG, ApiConfig } from '../api-config';
import { authenticateBeforeBody } from '../auth/authenticate-before-body';
import { TokenRegistry } from '../auth/token-registry';
import { IdParamPipe } from './id-param.pipe';
import { addDtoSchemas } from './openapi-schemas';

/**
 * What main() and the tests both apply to the app: the token checked before a body is read,
 * raw JSON bodies up to the configured size, ids in paths checked, OpenAPI at /docs.
 */
export function configureApp(app: INestApplication): void {
  configureHttp(app);
  const document = addDtoSchemas(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('barplane')
        .setDescription(
          'VFIO BAR fast-path decisions: facts, decisions with reasons and advice, audit. 64-bit values are "0x..." strings.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  // The signals the other services stop on; Nest's default list also takes SIGHUP and SIGUSR2,
  // which would end the API when a tool signals it for something else (a profiler, a log reopen).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
}

/** The request path before the controllers (the controller specs' test kit applies it too). */
export function configureHttp(app: INestApplication): void {
  const config = app.get<ApiConfig>(API_CONFIG);
  app.use(authenticateBeforeBody(app.get(TokenRegistry)));
  // Bodies stay text here; ExactJsonMiddleware parses them without rounding big numbers.
  app.use(express.text({ type: ['application/json', 'application/*+json'], limit: config.maxBodyBytes }));
  app.useGlobalPipes(new IdParamPipe());
}
