import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { AppConfig } from './config/configuration';
import { retryableAtStart } from './database/start-errors';
import { grpcOptions } from './grpc-options';

/**
 * Colour codes only for a person at a terminal: SC_LOG_FORMAT=text into a file, a pipe or the
 * journal stays plain (Nest would colour it unless NO_COLOR is set).
 */
export function logColors(json: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !json && !env.NO_COLOR && Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY);
}

/**
 * Nest logs a module that failed to start, with its stack, before main says why in one line. When
 * the database refused us (start-errors.ts) that line is all there is to say; anything else keeps
 * its stack.
 */
class StartLogger extends ConsoleLogger {
  error(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'ExceptionHandler' && !retryableAtStart(message)) return;
    super.error(message, ...rest);
  }
}

/** The Nest application on a checked configuration: loaded only after the start-up checks passed. */
export async function serve(config: AppConfig): Promise<void> {
  const logger = new StartLogger({
    json: config.logJson,
    colors: logColors(config.logJson),
    prefix: 'control-plane',
  });
  // abortOnError false: a module that cannot start (the database refused us) throws, and main
  // says why in one line, instead of Nest's multi-line report.
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    ...grpcOptions(config),
    logger,
    abortOnError: false,
  });
  // Not SIGHUP: it reloads SC_TOKENS_FILE (TokenAuthService).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  // A line other programs (the CLI's embedded mode, tests) wait for.
  Logger.log(
    {
      msg: 'listening',
      address: config.listen,
      db: config.dbUrl ? config.dbUrl.replace(/:[^:@/]*@/, ':***@') : config.dbPath,
      tls: Boolean(config.tls),
    },
    'Main',
  );
}
