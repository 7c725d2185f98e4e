import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CollectionModule } from './collection/collection.module';
import { configuration } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { QueriesModule } from './queries/queries.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [configuration] }),
    DatabaseModule,
    CollectionModule,
    QueriesModule,
  ],
})
export class AppModule {}
