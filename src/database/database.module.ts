import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.database.type === 'sqlite') {
          mkdirSync(dirname(config.database.path), { recursive: true });
        }
        // Fail at start-up instead of retrying for minutes: a wrong DATABASE_URL should be loud.
        return { ...dataSourceOptions(config.database), retryAttempts: 2, retryDelay: 1000 };
      },
    }),
  ],
})
export class DatabaseModule {}
