import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { handleCommandLine } from './command-line';
import { loadConfig } from './config/configuration';
import { grpcOptions } from './grpc-options';

async function bootstrap(): Promise<void> {
  handleCommandLine(process.argv.slice(2));
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`control-plane: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logger = new ConsoleLogger({ json: config.logJson, prefix: 'control-plane' });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    ...grpcOptions(config),
    logger,
  });
  // Not SIGHUP: it reloads SC_TOKENS_FILE (TokenAuthService).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  // A line other programs (the CLI's embedded mode, tests) wait for.
  Logger.log({ msg: 'listening', address: config.listen, db: config.dbPath, tls: Boolean(config.tls) }, 'Main');
}

bootstrap().catch((e) => {
  process.stderr.write(`control-plane: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
