import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { GrpcExceptionFilter } from './common/grpc-exception.filter';
import { CollectionModule } from './collection/collection.module';
import { configuration } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueriesModule } from './queries/queries.module';
import { RetentionModule } from './retention/retention.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [configuration] }),
    DatabaseModule,
    CollectionModule,
    QueriesModule,
    MetricsModule,
    RetentionModule,
  ],
  // Unary RPCs' errors: domain errors to their status codes, in one place.
  providers: [{ provide: APP_FILTER, useClass: GrpcExceptionFilter }],
})
export class AppModule {}
