import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { apiConfigFromEnv } from './api-config';
import { TokenRegistry } from './auth/token-registry';
import { AppModule } from './app.module';
import { configureApp } from './http/configure-app';

async function main(): Promise<void> {
  const config = apiConfigFromEnv();
  const app = await NestFactory.create(AppModule.with(config, TokenRegistry.fromFile(config.tokensFile)), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureApp(app);
  await app.listen(config.port, '127.0.0.1');
}

void main();
